// Colouring of typhoon tracks by peak intensity.
//
// Numeric grades are the intensity codes of the JMA (RSMC Tokyo) best-track
// archive: 2 tropical depression (under 34 kt), 3 tropical storm (34-47 kt),
// 4 severe tropical storm (48-63 kt), 5 typhoon (64 kt and above), 9 a
// tropical cyclone of at least tropical storm strength in older records.
// Codes 6 (extratropical) and 7 (entering the area) carry no intensity.
// The wind bands match Vietnam's Beaufort-based warning classes, so text
// grades such as "cấp 12" or the abbreviations TD, TS, STS and TY are read too.

export type GradeCategory = 'depression' | 'storm' | 'severe' | 'typhoon' | 'unknown';

/** Categories from weakest to strongest, in legend order. */
export const GRADE_CATEGORIES: readonly GradeCategory[] = ['depression', 'storm', 'severe', 'typhoon', 'unknown'];

export const GRADE_COLORS: Record<GradeCategory, string> = {
  depression: '#3b8fd9',
  storm: '#2a9d55',
  severe: '#e8900c',
  typhoon: '#c81d25',
  unknown: '#7a7a7a',
};

const GRADE_WEIGHTS: Record<GradeCategory, number> = {
  depression: 2,
  storm: 2.5,
  severe: 3,
  typhoon: 4,
  unknown: 2,
};

const JMA_GRADES: Record<number, GradeCategory> = {
  2: 'depression',
  3: 'storm',
  4: 'severe',
  5: 'typhoon',
  9: 'storm',
};

/** Maps a JMA best-track grade code to a category. */
export function jmaCategory(grade: number): GradeCategory {
  return JMA_GRADES[grade] ?? 'unknown';
}

/**
 * Maps a Beaufort level to a category, following Vietnam's classes:
 * 6-7 tropical depression, 8-9 storm, 10-11 severe storm, 12 and above
 * very strong storm or super typhoon.
 */
export function beaufortCategory(level: number): GradeCategory {
  if (!Number.isFinite(level) || level < 0) {
    return 'unknown';
  }
  if (level < 8) {
    return 'depression';
  }
  if (level < 10) {
    return 'storm';
  }
  if (level < 12) {
    return 'severe';
  }
  return 'typhoon';
}

const TEXT_GRADES: Record<string, GradeCategory> = {
  td: 'depression',
  'tropical depression': 'depression',
  'áp thấp nhiệt đới': 'depression',
  atnđ: 'depression',
  ts: 'storm',
  'tropical storm': 'storm',
  bão: 'storm',
  sts: 'severe',
  'severe tropical storm': 'severe',
  'bão mạnh': 'severe',
  ty: 'typhoon',
  typhoon: 'typhoon',
  'bão rất mạnh': 'typhoon',
  sty: 'typhoon',
  'super typhoon': 'typhoon',
  'siêu bão': 'typhoon',
};

/** Maps a `max_grade` value (JMA code, "cấp 12" or an abbreviation such as "STS") to a category. */
export function gradeCategory(grade: unknown): GradeCategory {
  if (typeof grade === 'number') {
    return Number.isInteger(grade) ? jmaCategory(grade) : 'unknown';
  }
  if (typeof grade !== 'string') {
    return 'unknown';
  }
  const text = grade.trim().toLowerCase().normalize('NFC');
  if (/^\d$/.test(text)) {
    return jmaCategory(Number(text));
  }
  const level = /^(?:cấp|cap|beaufort|bf)\s*(\d{1,2})$/.exec(text);
  if (level?.[1]) {
    return beaufortCategory(Number(level[1]));
  }
  return TEXT_GRADES[text.replace(/[\s_-]+/g, ' ')] ?? 'unknown';
}

export interface TrackStyle {
  color: string;
  weight: number;
  opacity: number;
  className: string;
}

/** Leaflet path options for a typhoon track. */
export function typhoonTrackStyle(grade: unknown): TrackStyle {
  const category = gradeCategory(grade);
  return {
    color: GRADE_COLORS[category],
    weight: GRADE_WEIGHTS[category],
    opacity: 0.85,
    className: `hd-typhoon hd-typhoon-${category}`,
  };
}
