import { describe, expect, it } from 'vitest';
import {
  countValues,
  defaultRange,
  describeSeriesSource,
  firstSeriesKey,
  groupSeriesBySource,
  mentionsSimulated,
  pickInitialSeries,
  rangeQuery,
  toChartData,
} from '../src/series';
import { isHanoiReference, hasPosition, kindColor, DEFAULT_KIND_COLOR } from '../src/stations';
import { statusMessageId } from '../src/sources-table';
import type { Entity, Series, Source } from '../src/types';
import catalog from './fixtures/catalog.json';

const sources = catalog.sources as Source[];
const series = catalog.series as Series[];
const entities = catalog.entities as Entity[];
const seriesByKey = new Map(series.map((item) => [item.key, item]));

function entity(key: string): Entity {
  const found = entities.find((item) => item.key === key);
  if (!found) {
    throw new Error(`fixture has no entity ${key}`);
  }
  return found;
}

function seriesItem(key: string): Series {
  const found = seriesByKey.get(key);
  if (!found) {
    throw new Error(`fixture has no series ${key}`);
  }
  return found;
}

describe('groupSeriesBySource', () => {
  it('groups under source names in Vietnamese order', () => {
    const groups = groupSeriesBySource(series, sources, 'vi-VN', 'Không rõ nguồn');
    expect(groups.map((group) => group.label)).toEqual(['Mực nước sông (mô phỏng)', 'Quan trắc không khí tự động']);
    expect(groups[1]?.series.map((item) => item.name)).toEqual(['CO Phan Thiết', 'PM2.5 Phan Thiết']);
  });

  it('puts series without a source last', () => {
    const orphan: Series = { ...seriesItem('air.pt.co'), key: 'orphan', name: 'Orphan', source: null, agency: null };
    const groups = groupSeriesBySource([orphan, ...series], sources, 'vi-VN', 'Không rõ nguồn');
    expect(groups.map((group) => group.label)).toEqual([
      'Mực nước sông (mô phỏng)',
      'Quan trắc không khí tự động',
      'Không rõ nguồn',
    ]);
    expect(groups[2]?.series.map((item) => item.key)).toEqual(['orphan']);
  });

  it('labels unknown sources by key', () => {
    const groups = groupSeriesBySource(series, [], 'vi-VN', 'Không rõ nguồn');
    expect(groups.map((group) => group.label)).toEqual(['demo_hydro', 'mre_air']);
  });
});

describe('pickInitialSeries', () => {
  const base = seriesItem('air.pt.pm25');
  const stationOld: Series = { ...base, key: 'station-old', last_time: '2020-08-01T00:00:00+07:00' };
  const stationNew: Series = { ...base, key: 'station-new', last_time: '2025-07-08T04:30:00+07:00' };
  const unitNewest: Series = { ...base, key: 'unit-newest', entity: null, last_time: '2025-07-09T00:00:00+07:00' };
  const empty: Series = { ...base, key: 'empty', last_time: null };

  it('prefers the latest station series', () => {
    expect(pickInitialSeries([empty, unitNewest, stationOld, stationNew])?.key).toBe('station-new');
  });

  it('keeps list order on ties', () => {
    const twin: Series = { ...stationNew, key: 'twin' };
    expect(pickInitialSeries([twin, stationNew])?.key).toBe('twin');
  });

  it('falls back to series without a station', () => {
    expect(pickInitialSeries([empty, unitNewest])?.key).toBe('unit-newest');
  });

  it('takes the first series when none has data', () => {
    expect(pickInitialSeries([empty])?.key).toBe('empty');
    expect(pickInitialSeries([])).toBeUndefined();
  });
});

describe('mentionsSimulated', () => {
  it('finds the word in either language', () => {
    expect(mentionsSimulated('PM2.5 — Trạm Phan Thiết (mô phỏng)')).toBe(true);
    expect(mentionsSimulated('Rainfall (SIMULATED)')).toBe(true);
    expect(mentionsSimulated('PM2.5 Phan Thiết')).toBe(false);
  });
});

describe('defaultRange', () => {
  it('ends on the Vietnamese day of the last observation', () => {
    // 17:00 UTC on 7 July is midnight on 8 July in Vietnam.
    expect(defaultRange(seriesItem('air.pt.pm25'))).toEqual({ from: '2025-07-02', to: '2025-07-08' });
  });

  it('ends today when the series has no observation', () => {
    const now = new Date('2025-01-01T18:00:00Z');
    expect(defaultRange(seriesItem('air.pt.co'), now)).toEqual({ from: '2024-12-27', to: '2025-01-02' });
    expect(defaultRange(null, now)).toEqual({ from: '2024-12-27', to: '2025-01-02' });
  });
});

describe('rangeQuery', () => {
  it('covers whole days at UTC+7', () => {
    expect(rangeQuery({ from: '2025-07-02', to: '2025-07-08' }, 'day', 'max')).toEqual({
      from: '2025-07-02T00:00:00+07:00',
      to: '2025-07-08T23:59:59+07:00',
      step: 'day',
      agg: 'max',
    });
  });
});

describe('firstSeriesKey', () => {
  it('takes the first listed series', () => {
    expect(firstSeriesKey(entity('air.pt'), seriesByKey)).toBe('air.pt.pm25');
  });

  it('falls back to a series that names the entity', () => {
    expect(firstSeriesKey(entity('hydro.langa'), seriesByKey)).toBe('hydro/la-nga:level');
  });

  it('returns null for an entity without series', () => {
    expect(firstSeriesKey(entity('air.hn.nguyen_van_cu'), seriesByKey)).toBeNull();
  });
});

describe('describeSeriesSource', () => {
  it('uses the source and agency names', () => {
    expect(describeSeriesSource(seriesItem('air.pt.pm25'), sources)).toEqual({
      source: 'Quan trắc không khí tự động',
      agency: 'Sở Nông nghiệp và Môi trường',
    });
  });

  it('falls back to keys', () => {
    expect(describeSeriesSource(seriesItem('hydro/la-nga:level'), sources)).toEqual({
      source: 'Mực nước sông (mô phỏng)',
      agency: 'demo',
    });
    expect(describeSeriesSource(seriesItem('air.pt.pm25'), [])).toEqual({ source: 'mre_air', agency: 'stnmt' });
  });

  it('takes the agency from the source when the series has none', () => {
    const withoutAgency: Series = { ...seriesItem('air.pt.pm25'), agency: null };
    expect(describeSeriesSource(withoutAgency, sources)).toEqual({
      source: 'Quan trắc không khí tự động',
      agency: 'Sở Nông nghiệp và Môi trường',
    });
    expect(describeSeriesSource({ ...withoutAgency, source: null }, sources)).toEqual({ source: '', agency: '' });
  });
});

describe('toChartData', () => {
  it('keeps gaps and drops unreadable times', () => {
    const data = toChartData([
      { time: '2025-07-08T00:00:00+07:00', value: 12.5 },
      { time: '2025-07-08T01:00:00+07:00', value: null },
      { time: 'bad', value: 3 },
      { time: '2025-07-08T02:00:00+07:00', value: 14 },
    ]);
    expect(data).toEqual([
      [Date.UTC(2025, 6, 7, 17), 12.5],
      [Date.UTC(2025, 6, 7, 18), null],
      [Date.UTC(2025, 6, 7, 19), 14],
    ]);
    expect(countValues(data)).toBe(2);
  });
});

describe('stations', () => {
  it('recognises Hanoi reference stations', () => {
    expect(isHanoiReference(entity('air.hn.nguyen_van_cu'))).toBe(true);
    expect(isHanoiReference(entity('ref.ha-noi.2'))).toBe(true);
    expect(isHanoiReference({ key: 'x', source: 'y', note: 'Trạm tham chiếu Hà Nội', lat: 11, lon: 108 })).toBe(true);
    expect(isHanoiReference(entity('air.pt'))).toBe(false);
    expect(isHanoiReference(entity('hydro.langa'))).toBe(false);
  });

  it('handles entities without coordinates or source', () => {
    expect(isHanoiReference({ key: 'cam.1', source: null, note: null, lat: null, lon: null })).toBe(false);
    expect(hasPosition({ lat: null, lon: 108.1 })).toBe(false);
  });

  it('checks coordinates', () => {
    expect(hasPosition({ lat: 10.93, lon: 108.1 })).toBe(true);
    expect(hasPosition({ lat: Number.NaN, lon: 108.1 })).toBe(false);
    expect(hasPosition({ lat: 95, lon: 108.1 })).toBe(false);
  });

  it('colours unknown kinds with the default', () => {
    expect(kindColor('radar')).toBe(DEFAULT_KIND_COLOR);
    expect(kindColor('hydro_station')).not.toBe(DEFAULT_KIND_COLOR);
  });
});

describe('statusMessageId', () => {
  it('maps freshness states to messages', () => {
    expect(statusMessageId('fresh')).toBe('status-fresh');
    expect(statusMessageId('stale')).toBe('status-stale');
    expect(statusMessageId('never')).toBe('status-never');
    expect(statusMessageId('paused')).toBe('status-never');
  });
});
