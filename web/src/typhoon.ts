// Colouring of typhoon tracks by peak intensity.
//
// Numeric grades are read as Beaufort levels ("cấp") and grouped the way
// Vietnam's warning rules group them (Decision 18/2021/QĐ-TTg): level 6-7
// tropical depression, 8-9 storm, 10-11 severe storm, 12-15 very strong
// storm (typhoon), 16 and above super typhoon. Text grades may also be the
// common international abbreviations (TD, TS, STS, TY, STY).

export type GradeCategory = 'depression' | 'storm' | 'severe' | 'typhoon' | 'super' | 'unknown';

/** Categories from weakest to strongest, in legend order. */
export const GRADE_CATEGORIES: readonly GradeCategory[] = [
  'depression',
  'storm',
  'severe',
  'typhoon',
  'super',
  'unknown',
];

export const GRADE_COLORS: Record<GradeCategory, string> = {
  depression: '#3b8fd9',
  storm: '#2a9d55',
  severe: '#e3b505',
  typhoon: '#e8730c',
  super: '#c81d25',
  unknown: '#7a7a7a',
};

const GRADE_WEIGHTS: Record<GradeCategory, number> = {
  depression: 2,
  storm: 2.5,
  severe: 3,
  typhoon: 3.5,
  super: 4,
  unknown: 2,
};

/** Groups a Beaufort level into a warning category. */
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
  if (level < 16) {
    return 'typhoon';
  }
  return 'super';
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
  sty: 'super',
  superty: 'super',
  'super typhoon': 'super',
  'siêu bão': 'super',
};

/** Maps a `max_grade` value (Beaufort number, "cấp 12", or a code such as "STS") to a category. */
export function gradeCategory(grade: unknown): GradeCategory {
  if (typeof grade === 'number') {
    return beaufortCategory(grade);
  }
  if (typeof grade !== 'string') {
    return 'unknown';
  }
  const text = grade.trim().toLowerCase().normalize('NFC');
  const level = /^(?:cấp|cap|beaufort|bf)?\s*(\d{1,2})$/.exec(text);
  if (level?.[1]) {
    return beaufortCategory(Number(level[1]));
  }
  return TEXT_GRADES[text.replace(/[\s_-]+/g, ' ')] ?? TEXT_GRADES[text.replace(/[\s_-]+/g, '')] ?? 'unknown';
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
