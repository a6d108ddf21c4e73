// Series selection logic for the chart panel, kept free of DOM and chart
// code so that it can be unit tested.

import type { ObservationQuery } from './api';
import { addDays, vnDateOf, vnEndOfDay, vnStartOfDay } from './format';
import type { Aggregation, Entity, ObservationPoint, Series, Source, Step } from './types';

export interface SeriesGroup {
  sourceKey: string;
  label: string;
  series: Series[];
}

/** Number of calendar days shown by default, ending at the last observation. */
export const DEFAULT_RANGE_DAYS = 7;

export interface DateRange {
  /** First day, "YYYY-MM-DD" in Asia/Ho_Chi_Minh. */
  from: string;
  /** Last day (included), "YYYY-MM-DD" in Asia/Ho_Chi_Minh. */
  to: string;
}

/**
 * Groups series under their source's name, both sorted alphabetically in
 * the UI language. Series without a source come last, under `noSourceLabel`.
 */
export function groupSeriesBySource(
  series: Series[],
  sources: Source[],
  locale: string,
  noSourceLabel: string,
): SeriesGroup[] {
  const names = new Map(sources.map((source) => [source.key, source.name]));
  const groups = new Map<string, SeriesGroup>();
  for (const item of series) {
    const sourceKey = item.source ?? '';
    let group = groups.get(sourceKey);
    if (!group) {
      const label = sourceKey ? (names.get(sourceKey) ?? sourceKey) : noSourceLabel;
      group = { sourceKey, label, series: [] };
      groups.set(sourceKey, group);
    }
    group.series.push(item);
  }
  const collator = new Intl.Collator(locale);
  const sorted = [...groups.values()].sort((a, b) => {
    if (!a.sourceKey || !b.sourceKey) {
      return Number(!a.sourceKey) - Number(!b.sourceKey);
    }
    return collator.compare(a.label, b.label);
  });
  for (const group of sorted) {
    group.series.sort((a, b) => collator.compare(a.name, b.name));
  }
  return sorted;
}

/**
 * Picks the series shown when the page opens: among series with
 * observations, the one observed most recently, preferring series of a
 * located station. Ties keep the order of `ordered`.
 */
export function pickInitialSeries(ordered: Series[]): Series | undefined {
  let best: Series | undefined;
  let bestRank: [number, number] = [-1, Number.NEGATIVE_INFINITY];
  for (const item of ordered) {
    const lastTime = item.last_time ? Date.parse(item.last_time) : Number.NaN;
    if (Number.isNaN(lastTime)) {
      continue;
    }
    const rank: [number, number] = [item.entity ? 1 : 0, lastTime];
    if (rank[0] > bestRank[0] || (rank[0] === bestRank[0] && rank[1] > bestRank[1])) {
      best = item;
      bestRank = rank;
    }
  }
  return best ?? ordered[0];
}

/** True when a series name already says that its data is simulated. */
export function mentionsSimulated(name: string): boolean {
  return /mô phỏng|simulated/i.test(name.normalize('NFC'));
}

/**
 * Returns the default period: the seven days ending on the day of the
 * series' last observation, or ending today when it has none.
 */
export function defaultRange(series: Pick<Series, 'last_time'> | null, now: Date = new Date()): DateRange {
  const lastDay = (series?.last_time ? vnDateOf(series.last_time) : null) ?? vnDateOf(now);
  const to = lastDay ?? now.toISOString().slice(0, 10);
  return { from: addDays(to, -(DEFAULT_RANGE_DAYS - 1)), to };
}

/** Builds the observation query for whole days in Asia/Ho_Chi_Minh, both ends included. */
export function rangeQuery(range: DateRange, step: Step, agg: Aggregation): ObservationQuery {
  return { from: vnStartOfDay(range.from), to: vnEndOfDay(range.to), step, agg };
}

/** Returns the key of the entity's first series that the API lists, or null. */
export function firstSeriesKey(entity: Pick<Entity, 'key' | 'series'>, known: ReadonlyMap<string, Series>): string | null {
  for (const key of entity.series) {
    if (known.has(key)) {
      return key;
    }
  }
  for (const item of known.values()) {
    if (item.entity === entity.key) {
      return item.key;
    }
  }
  return null;
}

export interface SourceLabel {
  source: string;
  agency: string;
}

/**
 * Returns the display names of a series' source and agency, falling back to
 * their keys, or to empty strings when the series has neither.
 */
export function describeSeriesSource(series: Series, sources: Source[]): SourceLabel {
  const source = sources.find((candidate) => candidate.key === series.source);
  const agencyKey = series.agency ?? source?.agency ?? '';
  const agency = source && source.agency === agencyKey && source.agency_name ? source.agency_name : agencyKey;
  return { source: source?.name ?? series.source ?? '', agency };
}

/** Chart data as [epoch milliseconds, value] pairs. A null value stays null and breaks the line. */
export function toChartData(points: ObservationPoint[]): [number, number | null][] {
  const data: [number, number | null][] = [];
  for (const point of points) {
    const time = Date.parse(point.time);
    if (Number.isNaN(time)) {
      continue;
    }
    const value = typeof point.value === 'number' && Number.isFinite(point.value) ? point.value : null;
    data.push([time, value]);
  }
  return data;
}

/** Counts the points that carry a value. */
export function countValues(data: [number, number | null][]): number {
  return data.reduce((count, [, value]) => (value === null ? count : count + 1), 0);
}
