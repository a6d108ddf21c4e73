import type { FeatureCollection, LineString } from 'geojson';
import { describe, expect, it } from 'vitest';
import { GRADE_CATEGORIES, GRADE_COLORS, beaufortCategory, gradeCategory, typhoonTrackStyle } from '../src/typhoon';
import type { TyphoonProperties } from '../src/types';
import typhoons from './fixtures/typhoons.json';

const tracks = typhoons as FeatureCollection<LineString, TyphoonProperties>;

describe('beaufortCategory', () => {
  it.each([
    [6, 'depression'],
    [7, 'depression'],
    [8, 'storm'],
    [9, 'storm'],
    [10, 'severe'],
    [11, 'severe'],
    [12, 'typhoon'],
    [15, 'typhoon'],
    [16, 'super'],
    [17, 'super'],
    [-1, 'unknown'],
    [Number.NaN, 'unknown'],
  ])('level %d is %s', (level, category) => {
    expect(beaufortCategory(level)).toBe(category);
  });
});

describe('gradeCategory', () => {
  it.each([
    ['cấp 12', 'typhoon'],
    ['Cấp 9', 'storm'],
    ['12', 'typhoon'],
    ['TD', 'depression'],
    ['sts', 'severe'],
    ['STY', 'super'],
    ['Super Typhoon', 'super'],
    ['super_typhoon', 'super'],
    ['bão mạnh', 'severe'],
    ['siêu bão', 'super'],
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
      Durian: GRADE_COLORS.super,
      'ATNĐ': GRADE_COLORS.depression,
      Conson: GRADE_COLORS.severe,
      Linda: GRADE_COLORS.unknown,
    });
  });

  it('marks tracks with a class for each grade', () => {
    expect(typhoonTrackStyle(12).className).toBe('hd-typhoon hd-typhoon-typhoon');
    expect(typhoonTrackStyle('TD').className).toBe('hd-typhoon hd-typhoon-depression');
  });

  it('gives every category its own colour', () => {
    const colours = GRADE_CATEGORIES.map((category) => GRADE_COLORS[category]);
    expect(new Set(colours).size).toBe(GRADE_CATEGORIES.length);
  });

  it('draws stronger storms thicker', () => {
    const weights = [7, 9, 11, 13, 17].map((level) => typhoonTrackStyle(level).weight);
    for (let index = 1; index < weights.length; index += 1) {
      expect(weights[index]).toBeGreaterThan(weights[index - 1] ?? 0);
    }
  });
});
