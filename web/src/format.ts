// Number and date formatting for the UI. Every displayed time is shown in
// the province's time zone, whatever the browser's own time zone is.

import type { Lang } from './types';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * UTC offset of Asia/Ho_Chi_Minh. Vietnam has kept UTC+7 without daylight
 * saving time since 1975, so a fixed offset is exact for every date the
 * app can show.
 */
export const VN_OFFSET = '+07:00';

export const MISSING = '—';

const LOCALE_TAGS: Record<Lang, string> = {
  vi: 'vi-VN',
  // en-GB keeps 1,234.5 for numbers and day-first dates.
  en: 'en-GB',
};

export function localeTag(lang: Lang): string {
  return LOCALE_TAGS[lang];
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** Formats a number with the language's separators: "1.234,5" in Vietnamese, "1,234.5" in English. */
export function formatNumber(
  value: number | null | undefined,
  lang: Lang,
  maximumFractionDigits = 2,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return MISSING;
  }
  const cacheKey = `${lang}:${maximumFractionDigits}`;
  let format = numberFormats.get(cacheKey);
  if (!format) {
    format = new Intl.NumberFormat(localeTag(lang), { maximumFractionDigits });
    numberFormats.set(cacheKey, format);
  }
  return format.format(value);
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

interface CalendarParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
}

function parseTime(value: string | Date | number): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Splits an instant into calendar fields as seen in Asia/Ho_Chi_Minh. */
function vnParts(date: Date): CalendarParts {
  const parts: CalendarParts = { year: '', month: '', day: '', hour: '', minute: '' };
  for (const part of partsFormat.formatToParts(date)) {
    if (part.type in parts) {
      parts[part.type as keyof CalendarParts] = part.value;
    }
  }
  return parts;
}

/**
 * Formats an instant as "dd/mm/yyyy HH:mm" in Asia/Ho_Chi_Minh. Both
 * languages use this pattern because Intl's vi-VN style puts the time
 * before the date.
 */
export function formatDateTime(value: string | Date | number | null | undefined): string {
  if (value === null || value === undefined) {
    return MISSING;
  }
  const date = parseTime(value);
  if (!date) {
    return MISSING;
  }
  const p = vnParts(date);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** Formats an instant as "dd/mm/yyyy" in Asia/Ho_Chi_Minh. */
export function formatDate(value: string | Date | number | null | undefined): string {
  if (value === null || value === undefined) {
    return MISSING;
  }
  const date = parseTime(value);
  if (!date) {
    return MISSING;
  }
  const p = vnParts(date);
  return `${p.day}/${p.month}/${p.year}`;
}

/** Formats a "YYYY-MM-DD" calendar date as "dd/mm/yyyy". */
export function formatIsoDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : MISSING;
}

/** Returns the calendar date ("YYYY-MM-DD") of an instant in Asia/Ho_Chi_Minh. */
export function vnDateOf(value: string | Date | number): string | null {
  const date = parseTime(value);
  if (!date) {
    return null;
  }
  const p = vnParts(date);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Returns true for a real calendar date written as "YYYY-MM-DD". */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) {
    return false;
  }
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** Adds whole days to a "YYYY-MM-DD" calendar date. */
export function addDays(isoDate: string, days: number): string {
  if (!isIsoDate(isoDate)) {
    throw new RangeError(`invalid calendar date "${isoDate}", expected YYYY-MM-DD`);
  }
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Returns midnight at the start of a "YYYY-MM-DD" date in Asia/Ho_Chi_Minh, as ISO 8601 with offset. */
export function vnStartOfDay(isoDate: string): string {
  if (!isIsoDate(isoDate)) {
    throw new RangeError(`invalid calendar date "${isoDate}", expected YYYY-MM-DD`);
  }
  return `${isoDate}T00:00:00${VN_OFFSET}`;
}

/** Returns the last second of a "YYYY-MM-DD" date in Asia/Ho_Chi_Minh, as ISO 8601 with offset. */
export function vnEndOfDay(isoDate: string): string {
  if (!isIsoDate(isoDate)) {
    throw new RangeError(`invalid calendar date "${isoDate}", expected YYYY-MM-DD`);
  }
  return `${isoDate}T23:59:59${VN_OFFSET}`;
}

/**
 * Parses a date typed as "dd/mm/yyyy" into "YYYY-MM-DD". One-digit days and
 * months and the separators "." and "-" are accepted. Returns null for
 * anything that is not a real calendar date.
 */
export function parseDisplayDate(text: string): string | null {
  const match = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!match) {
    return null;
  }
  const [, day = '', month = '', year = ''] = match;
  const isoDate = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isIsoDate(isoDate) ? isoDate : null;
}
