// Accounts without DOM: role names, scopes, form validation and the
// second-factor helpers. The forms in account.ts and users-admin.ts build on
// these, and the unit tests cover them.

import { parseDisplayDate, vnEndOfDay } from './format';
import type { Translator } from './i18n';
import type { ApiKeyView, GrantBody, GrantView, NewApiKeyBody, Role, SessionView, UserPatch, UserView } from './types';

/** Roles in the order the forms offer them. */
export const ROLES: readonly Role[] = ['admin', 'operator', 'leader', 'agency_officer', 'commune_officer', 'auditor'];

const ROLE_MESSAGES: Record<Role, string> = {
  admin: 'role-admin',
  operator: 'role-operator',
  leader: 'role-leader',
  agency_officer: 'role-agency-officer',
  commune_officer: 'role-commune-officer',
  auditor: 'role-auditor',
};

/** Same limits as the server. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Returns the message id of a role's name, or null for a role this page does not know. */
export function roleMessageId(role: string): string | null {
  return isRole(role) ? ROLE_MESSAGES[role] : null;
}

/** Returns the role's name in the current language. An unknown role keeps its code. */
export function roleLabel(role: string, translator: Translator): string {
  const id = roleMessageId(role);
  return id ? translator.t(id) : role;
}

/** Returns whether the role must confirm a second factor at every login. */
export function roleNeedsTwoFactor(role: string): boolean {
  return role === 'admin' || role === 'auditor';
}

export function roleNeedsAgency(role: string): boolean {
  return role === 'agency_officer';
}

export function roleNeedsUnit(role: string): boolean {
  return role === 'commune_officer';
}

export function hasRole(session: Pick<SessionView, 'grants' | 'stage'> | null, role: Role): boolean {
  return session !== null && session.stage === 'full' && session.grants.some((grant) => grant.role === role);
}

/** Names of agencies and administrative units, by code, to show scopes. */
export interface ScopeNames {
  agencies: ReadonlyMap<string, string>;
  units: ReadonlyMap<string, string>;
}

/** Formats a grant as "Cán bộ sở, ngành (Sở Nông nghiệp và Môi trường)". A province-wide grant is the role alone. */
export function grantLabel(grant: GrantView, translator: Translator, names?: ScopeNames): string {
  const scope: string[] = [];
  if (grant.agency) {
    scope.push(names?.agencies.get(grant.agency) ?? grant.agency);
  }
  if (grant.unit) {
    scope.push(names?.units.get(grant.unit) ?? grant.unit);
  }
  const role = roleLabel(grant.role, translator);
  return scope.length ? `${role} (${scope.join(', ')})` : role;
}

/** Lists the role names of a session or user without repeats, for the header. Role names contain commas, so a middle dot separates them. */
export function roleSummary(grants: GrantView[], translator: Translator): string {
  return [...new Set(grants.map((grant) => roleLabel(grant.role, translator)))].join(' · ');
}

/** Splits a base32 secret into groups of four characters, as authenticator apps show them. */
export function formatSecret(secret: string): string {
  const compact = secret.replace(/[\s=]/g, '').toUpperCase();
  return (compact.match(/.{1,4}/g) ?? []).join(' ');
}

/** Returns the digits of a typed two-factor code, without spaces or dashes. */
export function normalizeCode(text: string): string {
  return text.replace(/[\s-]/g, '');
}

export function isValidCode(text: string): boolean {
  return /^\d{6}$/.test(normalizeCode(text));
}

/** Returns the username as the server stores it: trimmed and lower-case. */
export function normalizeUsername(text: string): string {
  return text.trim().toLowerCase();
}

/** A field and the message id that explains what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export function usernameProblem(text: string): string | null {
  const username = normalizeUsername(text);
  if (!username) {
    return 'validation-username-required';
  }
  return USERNAME_PATTERN.test(username) ? null : 'validation-username-format';
}

/**
 * Checks the rules that the page can check itself: length and the username.
 * The server also rejects common passwords, with its own message.
 */
export function passwordProblem(password: string, username: string): string | null {
  const length = [...password].length;
  if (length === 0) {
    return 'validation-password-required';
  }
  if (length < PASSWORD_MIN_LENGTH) {
    return 'validation-password-short';
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return 'validation-password-long';
  }
  const name = normalizeUsername(username);
  if ([...name].length >= 3 && password.toLowerCase().includes(name)) {
    return 'validation-password-username';
  }
  return null;
}

/** A grant as edited in a form: empty strings for no agency or unit. */
export interface GrantDraft {
  role: string;
  agency: string;
  unit: string;
}

export function draftOf(grant: GrantView): GrantDraft {
  return { role: grant.role, agency: grant.agency ?? '', unit: grant.unit ?? '' };
}

export function grantBodyOf(draft: GrantDraft): GrantBody {
  const body: GrantBody = { role: draft.role };
  if (draft.agency) {
    body.agency = draft.agency;
  }
  if (draft.unit) {
    body.unit = draft.unit;
  }
  return body;
}

/** Lists the problems of a list of grants. `field` is `grants`, or `grant-N-role`, `grant-N-agency` or `grant-N-unit` for row N. */
export function grantProblems(drafts: GrantDraft[]): FieldProblem[] {
  if (drafts.length === 0) {
    return [{ field: 'grants', message: 'validation-grants-required' }];
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  drafts.forEach((draft, index) => {
    if (!draft.role) {
      problems.push({ field: `grant-${index}-role`, message: 'validation-role-required' });
      return;
    }
    if (roleNeedsAgency(draft.role) && !draft.agency) {
      problems.push({ field: `grant-${index}-agency`, message: 'validation-agency-required' });
    }
    if (roleNeedsUnit(draft.role) && !draft.unit) {
      problems.push({ field: `grant-${index}-unit`, message: 'validation-unit-required' });
    }
    const key = `${draft.role}|${draft.agency}|${draft.unit}`;
    if (seen.has(key)) {
      problems.push({ field: `grant-${index}-role`, message: 'validation-grant-duplicate' });
    }
    seen.add(key);
  });
  return problems;
}

export interface NewUserDraft {
  username: string;
  displayName: string;
  password: string;
  passwordConfirm: string;
  grants: GrantDraft[];
}

export function newUserProblems(draft: NewUserDraft): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const username = usernameProblem(draft.username);
  if (username) {
    problems.push({ field: 'username', message: username });
  }
  if (!draft.displayName.trim()) {
    problems.push({ field: 'display-name', message: 'validation-name-required' });
  }
  const password = passwordProblem(draft.password, draft.username);
  if (password) {
    problems.push({ field: 'password', message: password });
  } else if (draft.password !== draft.passwordConfirm) {
    problems.push({ field: 'password-confirm', message: 'validation-password-mismatch' });
  }
  problems.push(...grantProblems(draft.grants));
  return problems;
}

export interface UserEditDraft {
  displayName: string;
  /** Empty to keep the current password. */
  password: string;
  passwordConfirm: string;
  grants: GrantDraft[];
  disabled: boolean;
  unlock: boolean;
  resetTwoFactor: boolean;
}

export function userEditProblems(user: Pick<UserView, 'username'>, draft: UserEditDraft): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!draft.displayName.trim()) {
    problems.push({ field: 'display-name', message: 'validation-name-required' });
  }
  if (draft.password || draft.passwordConfirm) {
    const password = passwordProblem(draft.password, user.username);
    if (password) {
      problems.push({ field: 'password', message: password });
    } else if (draft.password !== draft.passwordConfirm) {
      problems.push({ field: 'password-confirm', message: 'validation-password-mismatch' });
    }
  }
  problems.push(...grantProblems(draft.grants));
  return problems;
}

function sameGrants(a: GrantBody[], b: GrantBody[]): boolean {
  const key = (grant: GrantBody) => `${grant.role}|${grant.agency ?? ''}|${grant.unit ?? ''}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

/** Returns the changes between a user and the edited form, or null when nothing changed. */
export function userPatchOf(user: UserView, draft: UserEditDraft): UserPatch | null {
  const patch: UserPatch = {};
  const displayName = draft.displayName.trim();
  if (displayName !== user.display_name) {
    patch.display_name = displayName;
  }
  const grants = draft.grants.map(grantBodyOf);
  if (!sameGrants(grants, user.grants.map((grant) => grantBodyOf(draftOf(grant))))) {
    patch.grants = grants;
  }
  if (draft.password) {
    patch.password = draft.password;
  }
  if (draft.disabled !== user.disabled) {
    patch.disabled = draft.disabled;
  }
  if (draft.unlock) {
    patch.unlock = true;
  }
  if (draft.resetTwoFactor) {
    patch.reset_two_factor = true;
  }
  return Object.keys(patch).length ? patch : null;
}

/** Returns whether a change ends the user's sessions on the server. */
export function patchEndsSessions(patch: UserPatch): boolean {
  return patch.disabled === true || patch.grants !== undefined || patch.password !== undefined || patch.reset_two_factor === true;
}

export interface PasswordChangeDraft {
  current: string;
  next: string;
  confirm: string;
}

export function passwordChangeProblems(draft: PasswordChangeDraft, username: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!draft.current) {
    problems.push({ field: 'current-password', message: 'validation-password-required' });
  }
  const next = passwordProblem(draft.next, username);
  if (next) {
    problems.push({ field: 'new-password', message: next });
  } else if (draft.next === draft.current) {
    problems.push({ field: 'new-password', message: 'validation-password-same' });
  } else if (draft.next !== draft.confirm) {
    problems.push({ field: 'confirm-password', message: 'validation-password-mismatch' });
  }
  return problems;
}

/** Returns whether a user is locked out at `now` (milliseconds since the epoch). */
export function isLocked(user: Pick<UserView, 'locked_until'>, now: number): boolean {
  return user.locked_until !== null && user.locked_until > now;
}

/** An API key as typed in the form. */
export interface ApiKeyDraft {
  name: string;
  /** `agency` or `admin`. */
  role: string;
  agency: string;
  /** Sources ticked in the form; none means every source of the agency. */
  sources: string[];
  /** Last day of validity as typed, "dd/mm/yyyy", or empty for no end. */
  expires: string;
}

export const API_KEY_NAME_MAX = 64;

/** Lists the problems of a new API key, given the current time in milliseconds since the epoch. */
export function apiKeyProblems(draft: ApiKeyDraft, now: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const name = draft.name.trim();
  if (!name) {
    problems.push({ field: 'key-name', message: 'validation-key-name-required' });
  } else if (name.length > API_KEY_NAME_MAX) {
    problems.push({ field: 'key-name', message: 'validation-key-name-long' });
  }
  if (draft.role === 'agency' && !draft.agency) {
    problems.push({ field: 'key-agency', message: 'validation-key-agency-required' });
  }
  if (draft.expires.trim()) {
    const day = parseDisplayDate(draft.expires);
    if (!day) {
      problems.push({ field: 'key-expires', message: 'validation-date-format' });
    } else if (Date.parse(vnEndOfDay(day)) <= now) {
      problems.push({ field: 'key-expires', message: 'validation-date-past' });
    }
  }
  return problems;
}

/** Builds the request body of a checked draft: an administrators' key has no agency or sources, and a key expires at the end of its last day in Vietnam. */
export function apiKeyBodyOf(draft: ApiKeyDraft): NewApiKeyBody {
  const body: NewApiKeyBody = { name: draft.name.trim(), role: draft.role };
  if (draft.role === 'agency') {
    body.agency = draft.agency;
    if (draft.sources.length > 0) {
      body.sources = [...draft.sources];
    }
  }
  const day = draft.expires.trim() ? parseDisplayDate(draft.expires) : null;
  if (day) {
    body.expires_at = Date.parse(vnEndOfDay(day));
  }
  return body;
}

export type ApiKeyState = 'active' | 'expired' | 'revoked';

/** Returns whether a key works at `now`, or why it does not. */
export function apiKeyState(key: Pick<ApiKeyView, 'revoked_at' | 'expires_at'>, now: number): ApiKeyState {
  if (key.revoked_at !== null) {
    return 'revoked';
  }
  return key.expires_at !== null && key.expires_at <= now ? 'expired' : 'active';
}

export const SESSION_HINT_KEY = 'haidang.signed-in';

/**
 * Returns whether this browser logged in last time. The session cookie is
 * HttpOnly, so the page cannot read it. Without this mark every anonymous
 * visit would request /auth/me and get a 401.
 */
export function readSessionHint(storage: Pick<Storage, 'getItem'> | null): boolean {
  try {
    return storage?.getItem(SESSION_HINT_KEY) === '1';
  } catch {
    return false;
  }
}

export function storeSessionHint(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, signedIn: boolean): void {
  try {
    if (signedIn) {
      storage?.setItem(SESSION_HINT_KEY, '1');
    } else {
      storage?.removeItem(SESSION_HINT_KEY);
    }
  } catch {
    // Without storage, the page requests /auth/me only after a login in this tab.
  }
}
