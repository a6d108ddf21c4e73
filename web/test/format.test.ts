import { afterEach, describe, expect, it } from 'vitest';
import {
  MISSING,
  addDays,
  formatDate,
  formatDateTime,
  formatIsoDate,
  formatNumber,
  isIsoDate,
  parseDisplayDate,
  vnDateOf,
  vnEndOfDay,
  vnStartOfDay,
} from '../src/format';

describe('formatNumber', () => {
  it('uses Vietnamese separators', () => {
    expect(formatNumber(1234.5, 'vi')).toBe('1.234,5');
    expect(formatNumber(1234567.891, 'vi')).toBe('1.234.567,89');
    expect(formatNumber(-0.5, 'vi')).toBe('-0,5');
  });

  it('uses English separators', () => {
    expect(formatNumber(1234.5, 'en')).toBe('1,234.5');
    expect(formatNumber(1234567.891, 'en')).toBe('1,234,567.89');
  });

  it('rounds to the requested fraction digits', () => {
    expect(formatNumber(85.4, 'vi', 0)).toBe('85');
    expect(formatNumber(0.125, 'vi')).toBe('0,13');
  });

  it('shows a dash for missing values', () => {
    expect(formatNumber(null, 'vi')).toBe(MISSING);
    expect(formatNumber(undefined, 'en')).toBe(MISSING);
    expect(formatNumber(Number.NaN, 'vi')).toBe(MISSING);
    expect(formatNumber(Number.POSITIVE_INFINITY, 'vi')).toBe(MISSING);
  });
});

describe('formatDateTime', () => {
  const originalTz = process.env.TZ;

  afterEach(() => {
    if (originalTz === undefined) {
      delete process.env.TZ;
    } else {
      process.env.TZ = originalTz;
    }
  });

  it('moves a UTC evening to the next Vietnamese day', () => {
    expect(formatDateTime('2024-12-31T17:30:00Z')).toBe('01/01/2025 00:30');
    expect(formatDateTime('2025-03-01T17:00:00Z')).toBe('02/03/2025 00:00');
  });

  it('keeps the UTC day before 17:00 UTC', () => {
    expect(formatDateTime('2025-03-01T16:59:00Z')).toBe('01/03/2025 23:59');
    expect(formatDateTime('2025-07-08T02:05:00Z')).toBe('08/07/2025 09:05');
  });

  it('reads times that carry an offset', () => {
    expect(formatDateTime('2025-07-08T00:15:00+07:00')).toBe('08/07/2025 00:15');
    expect(formatDateTime('2025-07-07T19:15:00-05:00')).toBe('08/07/2025 07:15');
  });

  it('accepts Date objects and epoch milliseconds', () => {
    const instant = Date.UTC(2025, 0, 31, 20, 45);
    expect(formatDateTime(instant)).toBe('01/02/2025 03:45');
    expect(formatDateTime(new Date(instant))).toBe('01/02/2025 03:45');
  });

  it('ignores the process time zone', () => {
    process.env.TZ = 'America/Los_Angeles';
    expect(formatDateTime('2024-12-31T17:30:00Z')).toBe('01/01/2025 00:30');
    process.env.TZ = 'Asia/Tokyo';
    expect(formatDateTime('2024-12-31T16:30:00Z')).toBe('31/12/2024 23:30');
  });

  it('shows a dash for missing or invalid times', () => {
    expect(formatDateTime(null)).toBe(MISSING);
    expect(formatDateTime(undefined)).toBe(MISSING);
    expect(formatDateTime('not a time')).toBe(MISSING);
  });
});

describe('calendar dates', () => {
  it('formats the Vietnamese day of an instant', () => {
    expect(formatDate('2024-12-31T17:30:00Z')).toBe('01/01/2025');
    expect(formatIsoDate('2025-07-01')).toBe('01/07/2025');
    expect(formatIsoDate('01/07/2025')).toBe(MISSING);
  });

  it('takes the calendar date in Asia/Ho_Chi_Minh', () => {
    expect(vnDateOf('2025-07-07T17:00:00Z')).toBe('2025-07-08');
    expect(vnDateOf('2025-07-07T16:59:59Z')).toBe('2025-07-07');
    expect(vnDateOf('garbage')).toBeNull();
  });

  it('validates YYYY-MM-DD dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-7-1')).toBe(false);
  });

  it('parses typed dd/mm/yyyy dates', () => {
    expect(parseDisplayDate('05/12/2026')).toBe('2026-12-05');
    expect(parseDisplayDate(' 5/7/2025 ')).toBe('2025-07-05');
    expect(parseDisplayDate('29.02.2024')).toBe('2024-02-29');
    expect(parseDisplayDate('01-07-2025')).toBe('2025-07-01');
  });

  it('rejects impossible or reordered dates', () => {
    expect(parseDisplayDate('29/02/2025')).toBeNull();
    expect(parseDisplayDate('12/31/2025')).toBeNull();
    expect(parseDisplayDate('2025-07-01')).toBeNull();
    expect(parseDisplayDate('')).toBeNull();
  });

  it('adds days across month, leap day and year ends', () => {
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-12-29', 6)).toBe('2025-01-04');
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
  });

  it('builds day bounds at UTC+7', () => {
    expect(vnStartOfDay('2025-07-08')).toBe('2025-07-08T00:00:00+07:00');
    expect(Date.parse(vnStartOfDay('2025-07-08'))).toBe(Date.UTC(2025, 6, 7, 17, 0, 0));
    expect(vnEndOfDay('2025-07-08')).toBe('2025-07-08T23:59:59+07:00');
    expect(Date.parse(vnEndOfDay('2025-07-08'))).toBe(Date.UTC(2025, 6, 8, 16, 59, 59));
    expect(() => vnStartOfDay('08/07/2025')).toThrow(RangeError);
  });
});
