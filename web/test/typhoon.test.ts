import type { FeatureCollection, LineString } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  GRADE_CATEGORIES,
  GRADE_COLORS,
  beaufortCategory,
  gradeCategory,
  jmaCategory,
  typhoonTrackStyle,
} from '../src/typhoon';
import type { TyphoonProperties } from '../src/types';
import typhoons from './fixtures/typhoons.json';

const tracks = typhoons as FeatureCollection<LineString, TyphoonProperties>;

describe('jmaCategory', () => {
  it.each([
    [2, 'depression'],
    [3, 'storm'],
    [4, 'severe'],
    [5, 'typhoon'],
    [9, 'storm'],
    [6, 'unknown'],
    [7, 'unknown'],
    [0, 'unknown'],
  ])('code %d is %s', (code, category) => {
    expect(jmaCategory(code)).toBe(category);
  });
});

describe('beaufortCategory', () => {
  it.each([
    [6, 'depression'],
    [7, 'depression'],
    [8, 'storm'],
    [9, 'storm'],
    [10, 'severe'],
    [11, 'severe'],
    [12, 'typhoon'],
    [17, 'typhoon'],
    [-1, 'unknown'],
    [Number.NaN, 'unknown'],
  ])('level %d is %s', (level, category) => {
    expect(beaufortCategory(level)).toBe(category);
  });
});

describe('gradeCategory', () => {
  it.each([
    [5, 'typhoon'],
    [4.5, 'unknown'],
    ['3', 'storm'],
    ['cấp 12', 'typhoon'],
    ['Cấp 9', 'storm'],
    ['12', 'unknown'],
    ['TD', 'depression'],
    ['sts', 'severe'],
    ['STY', 'typhoon'],
    ['Super Typhoon', 'typhoon'],
    ['super_typhoon', 'typhoon'],
    ['bão mạnh', 'severe'],
    ['xyz', 'unknown'],
    ['', 'unknown'],
  ])('%s is %s', (grade, category) => {
    expect(gradeCategory(grade)).toBe(category);
  });

  it('treats missing grades as unknown', () => {
    expect(gradeCategory(null)).toBe('unknown');
    expect(gradeCategory(undefined)).toBe('unknown');
    expect(gradeCategory({ level: 12 })).toBe('unknown');
  });
});

describe('typhoonTrackStyle', () => {
  it('colours the fixture tracks by grade', () => {
    const colours = Object.fromEntries(
      tracks.features.map((feature) => [feature.properties.name, typhoonTrackStyle(feature.properties.max_grade).color]),
    );
    expect(colours).toEqual({
      Damrey: GRADE_COLORS.typhoon,
      Durian: GRADE_COLORS.typhoon,
      'ATNĐ': GRADE_COLORS.depression,
      Conson: GRADE_COLORS.severe,
      Linda: GRADE_COLORS.unknown,
      Extratropical: GRADE_COLORS.unknown,
      'Old record': GRADE_COLORS.storm,
    });
  });

  it('marks tracks with a class for each grade', () => {
    expect(typhoonTrackStyle(5).className).toBe('hd-typhoon hd-typhoon-typhoon');
    expect(typhoonTrackStyle('TD').className).toBe('hd-typhoon hd-typhoon-depression');
  });

  it('gives every category its own colour', () => {
    const colours = GRADE_CATEGORIES.map((category) => GRADE_COLORS[category]);
    expect(new Set(colours).size).toBe(GRADE_CATEGORIES.length);
  });

  it('draws stronger storms thicker', () => {
    const weights = [2, 3, 4, 5].map((code) => typhoonTrackStyle(code).weight);
    for (let index = 1; index < weights.length; index += 1) {
      expect(weights[index]).toBeGreaterThan(weights[index - 1] ?? 0);
    }
  });
});
