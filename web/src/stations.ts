// Classification of stations and other entities shown on the map.

import type { Entity } from './types';

/**
 * Rough bounding box of Hà Nội (about 20.53-21.39°N, 105.28-106.02°E). The
 * API does not flag reference stations, so a station located there, or
 * whose key, source or note names Hà Nội, counts as a Hanoi reference
 * station.
 */
const HANOI_BOUNDS = { south: 20.5, north: 21.4, west: 105.25, east: 106.05 };

function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

export function isHanoiReference(entity: Pick<Entity, 'key' | 'source' | 'note' | 'lat' | 'lon'>): boolean {
  const { lat, lon } = entity;
  if (
    typeof lat === 'number' &&
    typeof lon === 'number' &&
    lat >= HANOI_BOUNDS.south &&
    lat <= HANOI_BOUNDS.north &&
    lon >= HANOI_BOUNDS.west &&
    lon <= HANOI_BOUNDS.east
  ) {
    return true;
  }
  return [entity.key, entity.source ?? '', entity.note ?? ''].some((text) => foldText(text).includes('hanoi'));
}

export const KIND_COLORS: Record<string, string> = {
  air_station: '#7b3fb5',
  weather_station: '#0b7fab',
  hydro_station: '#1a5fd1',
};

export const DEFAULT_KIND_COLOR = '#555d66';

export function kindColor(kind: string): string {
  return KIND_COLORS[kind] ?? DEFAULT_KIND_COLOR;
}

/** True for entities with usable coordinates. */
export function hasPosition<T extends Pick<Entity, 'lat' | 'lon'>>(entity: T): entity is T & { lat: number; lon: number } {
  return (
    typeof entity.lat === 'number' &&
    typeof entity.lon === 'number' &&
    Number.isFinite(entity.lat) &&
    Number.isFinite(entity.lon) &&
    Math.abs(entity.lat) <= 90 &&
    Math.abs(entity.lon) <= 180
  );
}
