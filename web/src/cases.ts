// Rules of the case-handling screens for citizen reports (phản ánh hiện trường), without
// DOM: which steps a role may take in a state, what each step asks for, form checks and
// the photo checks made before upload. The server decides in the end; these rules only
// keep the screens from offering what it would refuse.

import type { FieldProblem } from './auth';
import { hasRole } from './auth';
import type { CaseView, GrantView, NewCaseBody, SessionView } from './types';

export const CASE_STATES = [
  'received',
  'accepted',
  'assigned',
  'in_progress',
  'extension_requested',
  'resolved',
  'published',
  'rated',
  'closed',
  'reopened',
  'rejected',
  'merged',
] as const;

export type CaseState = (typeof CASE_STATES)[number];

/** Steps taken by the IOC operator through `/dispatch`. */
export const DISPATCH_EVENTS = [
  'accept',
  'reject',
  'assign',
  'approve_extension',
  'refuse_extension',
  'publish',
  'close',
  'reopen',
  'merge',
] as const;

/** Steps taken by the agency or commune handling the case, through `/handle`. */
export const HANDLE_EVENTS = ['start', 'request_extension', 'resolve'] as const;

export type DispatchEvent = (typeof DISPATCH_EVENTS)[number];
export type HandleEvent = (typeof HANDLE_EVENTS)[number];
export type CaseEvent = DispatchEvent | HandleEvent;

/** Mode of a case screen: the operator dispatches, a leader only reads, an officer handles. */
export type CaseMode = 'dispatch' | 'read' | 'handle';

/** States that still count against the deadline (the open ones). */
export const OPEN_STATES: readonly CaseState[] = ['received', 'accepted', 'assigned', 'in_progress', 'extension_requested', 'reopened'];

export function isCaseState(value: unknown): value is CaseState {
  return typeof value === 'string' && (CASE_STATES as readonly string[]).includes(value);
}

/** Steps that need a written note: a reason, an answer. */
export function eventNeedsNote(event: CaseEvent): boolean {
  return ['reject', 'refuse_extension', 'reopen', 'request_extension', 'resolve'].includes(event);
}

/** Steps sent at once, without a form. */
export function eventIsDirect(event: CaseEvent): boolean {
  return ['accept', 'approve_extension', 'publish', 'close', 'start'].includes(event);
}

/** Returns the path segment that takes a step. */
export function eventPath(event: CaseEvent): 'dispatch' | 'handle' {
  return (HANDLE_EVENTS as readonly string[]).includes(event) ? 'handle' : 'dispatch';
}

/**
 * Lists the steps a screen offers on a case: the server's `allowed_events` of the case, kept to
 * those of the screen's party. Merging is offered only when a duplicate was found, from
 * the duplicates list, so it is left out here.
 */
export function actionsFor(mode: CaseMode, allowedEvents: readonly string[]): CaseEvent[] {
  if (mode === 'read') {
    return [];
  }
  const own: readonly string[] = mode === 'dispatch' ? DISPATCH_EVENTS : HANDLE_EVENTS;
  return allowedEvents.filter((event): event is CaseEvent => own.includes(event) && event !== 'merge');
}

/** Tells whether the operator may merge the case into another one in its current state. */
export function canMerge(mode: CaseMode, allowedEvents: readonly string[]): boolean {
  return mode === 'dispatch' && allowedEvents.includes('merge');
}

function grantsWith(session: Pick<SessionView, 'grants' | 'stage'> | null, roles: string[]): GrantView[] {
  if (!session || session.stage !== 'full') {
    return [];
  }
  return session.grants.filter((grant) => roles.includes(grant.role));
}

/** Returns the mode of the operators' screen for a session, or null when the session may not open it. */
export function dispatchModeOf(session: Pick<SessionView, 'grants' | 'stage'> | null): CaseMode | null {
  if (hasRole(session, 'admin') || hasRole(session, 'operator')) {
    return 'dispatch';
  }
  if (hasRole(session, 'leader')) {
    return 'read';
  }
  return null;
}

/** Tells whether the session handles cases of an agency or a commune. */
export function handlesCases(session: Pick<SessionView, 'grants' | 'stage'> | null): boolean {
  return grantsWith(session, ['agency_officer', 'commune_officer']).length > 0;
}

/** Tells whether the session reads the case statistics and the overdue list. */
export function readsCaseStatistics(session: Pick<SessionView, 'grants' | 'stage'> | null): boolean {
  return dispatchModeOf(session) !== null || handlesCases(session);
}

export type DeadlineStatus = 'on_track' | 'due_soon' | 'overdue';

/** Badge class of a deadline status, so that the colour follows the urgency. */
export function deadlineBadge(status: string | null): string {
  switch (status) {
    case 'overdue':
      return 'badge-error';
    case 'due_soon':
      return 'badge-stale';
    case 'on_track':
      return 'badge-fresh';
    default:
      return 'badge-never';
  }
}

/** Filters of the case list, as the form holds them. */
export interface CaseFilterDraft {
  state: string;
  category: string;
  commune: string;
  overdueOnly: boolean;
  text: string;
}

/** The query of `GET /api/v1/cases` for the filters. The overdue filter is applied by the page. */
export function caseListUrl(filter: CaseFilterDraft, limit = 500): string {
  const params = new URLSearchParams();
  if (filter.state === 'open') {
    params.set('state', OPEN_STATES.join(','));
  } else if (filter.state) {
    params.set('state', filter.state);
  }
  if (filter.category) {
    params.set('category', filter.category);
  }
  if (filter.commune) {
    params.set('commune', filter.commune);
  }
  const text = filter.text.trim();
  if (text) {
    params.set('q', text);
  }
  params.set('limit', String(limit));
  return `/api/v1/cases?${params.toString()}`;
}

/** Keeps the cases past their deadline when the overdue filter is on. */
export function applyOverdueFilter<T extends Pick<CaseView, 'deadline_status'>>(cases: T[], overdueOnly: boolean): T[] {
  return overdueOnly ? cases.filter((item) => item.deadline_status === 'overdue') : cases;
}

/** Same characters as the server accepts in a phone number. */
export const PHONE_PATTERN = /^[0-9+ .-]{1,20}$/;

export interface PhoneReportDraft {
  category: string;
  description: string;
  commune: string;
  lat: string;
  lon: string;
  address: string;
  name: string;
  phone: string;
}

/** Reads a decimal written with a dot or a comma ("10,93" or "10.93"). */
export function parseDecimal(text: string): number | null {
  const clean = text.trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(clean)) {
    return null;
  }
  return Number(clean);
}

export function phoneReportProblems(draft: PhoneReportDraft): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!draft.category) {
    problems.push({ field: 'category', message: 'case-validation-category' });
  }
  if (!draft.description.trim()) {
    problems.push({ field: 'description', message: 'case-validation-description' });
  } else if (draft.description.trim().length > 4000) {
    problems.push({ field: 'description', message: 'case-validation-description-long' });
  }
  const hasLat = draft.lat.trim() !== '';
  const hasLon = draft.lon.trim() !== '';
  if (hasLat || hasLon) {
    const lat = parseDecimal(draft.lat);
    const lon = parseDecimal(draft.lon);
    if (lat === null || lat < -90 || lat > 90) {
      problems.push({ field: 'lat', message: 'case-validation-lat' });
    }
    if (lon === null || lon < -180 || lon > 180) {
      problems.push({ field: 'lon', message: 'case-validation-lon' });
    }
  } else if (!draft.commune && !draft.address.trim()) {
    problems.push({ field: 'commune', message: 'case-validation-location' });
  }
  const phone = draft.phone.trim();
  if (phone && !PHONE_PATTERN.test(phone)) {
    problems.push({ field: 'phone', message: 'case-validation-phone' });
  }
  return problems;
}

/**
 * The body of `POST /api/v1/cases`. The server wants coordinates or an address; when the
 * operator only picked a commune, its name stands as the address.
 */
export function phoneReportBody(draft: PhoneReportDraft, communeName: string | null): NewCaseBody {
  const body: NewCaseBody = { service_code: draft.category, description: draft.description.trim() };
  const lat = parseDecimal(draft.lat);
  const lon = parseDecimal(draft.lon);
  if (lat !== null && lon !== null) {
    body.lat = lat;
    body.long = lon;
  }
  if (draft.commune) {
    body.commune = draft.commune;
  }
  const address = draft.address.trim();
  if (address) {
    body.address_string = address;
  } else if (body.lat === undefined && communeName) {
    body.address_string = communeName;
  }
  if (draft.name.trim()) {
    body.name = draft.name.trim();
  }
  if (draft.phone.trim()) {
    body.phone = draft.phone.trim();
  }
  return body;
}

export interface ActionDraft {
  note: string;
  agency: string;
  commune: string;
  extraDays: string;
}

/** Checks the form of a step before it is sent. */
export function actionProblems(event: CaseEvent, draft: ActionDraft): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (eventNeedsNote(event) && !draft.note.trim()) {
    problems.push({ field: 'note', message: event === 'resolve' ? 'case-validation-answer' : 'case-validation-reason' });
  }
  if (event === 'assign' && !draft.agency && !draft.commune) {
    problems.push({ field: 'agency', message: 'case-validation-assignee' });
  }
  if (event === 'request_extension') {
    const days = Number(draft.extraDays);
    if (!/^\d+$/.test(draft.extraDays.trim()) || days < 1 || days > 30) {
      problems.push({ field: 'extra-days', message: 'case-validation-extra-days' });
    }
  }
  return problems;
}

/** Largest photo the server takes. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** Photos attached to one answer. */
export const MAX_ANSWER_PHOTOS = 3;
export const PHOTO_TYPES = ['image/jpeg', 'image/png'];

/** Returns the message id of what is wrong with a photo, by its declared type and size, or null. */
export function photoProblem(file: { type: string; size: number }): string | null {
  if (!PHOTO_TYPES.includes(file.type)) {
    return 'case-photo-type';
  }
  if (file.size > MAX_PHOTO_BYTES) {
    return 'case-photo-size';
  }
  return null;
}

/** Whether the first bytes are those of a JPEG or a PNG file, as the server checks. */
export function hasImageSignature(bytes: Uint8Array): boolean {
  const jpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const png = bytes.length >= 8 && pngSignature.every((byte, index) => bytes[index] === byte);
  return jpeg || png;
}

/** Encodes bytes as standard base64. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let index = 0; index < bytes.length; index += chunk) {
    binary += String.fromCharCode(...bytes.subarray(index, index + chunk));
  }
  return btoa(binary);
}
