import { describe, expect, it } from 'vitest';
import indexHtml from '../index.html?raw';
import { isSessionLost } from '../src/account';
import { ApiClient, ApiError, CSRF_HEADER, isUnsafeMethod, requestHeaders } from '../src/api';
import {
  ROLES,
  SESSION_HINT_KEY,
  apiKeyBodyOf,
  apiKeyProblems,
  apiKeyState,
  formatSecret,
  grantLabel,
  grantProblems,
  hasRole,
  isLocked,
  isValidCode,
  newUserProblems,
  normalizeCode,
  passwordChangeProblems,
  passwordProblem,
  patchEndsSessions,
  readSessionHint,
  roleLabel,
  roleMessageId,
  roleSummary,
  storeSessionHint,
  userEditProblems,
  userPatchOf,
  usernameProblem,
  type UserEditDraft,
} from '../src/auth';
import { Translator } from '../src/i18n';
import type { GrantView, Lang, SessionView, UserView } from '../src/types';
import { agenciesOf, communesOf } from '../src/users-admin';
import { allowedViews, resolveView, viewFromHash } from '../src/views';

const accountFiles = import.meta.glob<string>(
  ['../src/account.ts', '../src/users-admin.ts', '../src/api-keys-admin.ts', '../src/audit-view.ts', '../src/auth.ts'],
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
);

interface RecordedRequest {
  url: string;
  init: RequestInit;
}

function recordingClient(lang: Lang, response: () => Response, requests: RecordedRequest[]): ApiClient {
  return new ApiClient(
    () => lang,
    async (url, init) => {
      requests.push({ url, init: init ?? {} });
      return response();
    },
  );
}

function headersOf(request: RecordedRequest | undefined): Record<string, string> {
  return { ...(request?.init.headers as Record<string, string>) };
}

const session: SessionView = {
  user_id: 'u1',
  username: 'quantri',
  display_name: 'Quản trị viên',
  grants: [{ role: 'admin', agency: null, unit: null }],
  stage: 'full',
  csrf_token: 'hd_csrf',
  two_factor_enabled: true,
  two_factor_setup: null,
};

const user: UserView = {
  id: 'u2',
  username: 'lan.tran',
  display_name: 'Trần Thị Lan',
  grants: [{ role: 'operator', agency: null, unit: null }],
  disabled: false,
  two_factor_enabled: false,
  failed_logins: 0,
  locked_until: null,
  created_at: 0,
  updated_at: 0,
};

function editDraft(changes: Partial<UserEditDraft> = {}): UserEditDraft {
  return {
    displayName: user.display_name,
    password: '',
    passwordConfirm: '',
    grants: [{ role: 'operator', agency: '', unit: '' }],
    disabled: false,
    unlock: false,
    resetTwoFactor: false,
    ...changes,
  };
}

describe('CSRF header', () => {
  it('goes with every state-changing method', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'patch']) {
      expect(isUnsafeMethod(method), method).toBe(true);
      expect(requestHeaders(method, 'vi', 'hd_token', false)[CSRF_HEADER], method).toBe('hd_token');
    }
  });

  it('stays off reads', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(isUnsafeMethod(method), method).toBe(false);
      expect(requestHeaders(method, 'vi', 'hd_token', false)).not.toHaveProperty(CSRF_HEADER);
    }
  });

  it('is left out without a session', () => {
    expect(requestHeaders('POST', 'en', null, true)).toEqual({
      Accept: 'application/json',
      'Accept-Language': 'en',
      'Content-Type': 'application/json',
    });
  });

  it('is sent by the client once a session is known', async () => {
    const requests: RecordedRequest[] = [];
    const client = recordingClient('vi', () => Response.json(session), requests);

    await client.login('quantri', 'mật khẩu đủ dài');
    client.csrfToken = session.csrf_token;
    await client.me();
    await client.updateUser('u 2', { disabled: true });

    expect(requests.map((request) => `${request.init.method} ${request.url}`)).toEqual([
      'POST /api/v1/auth/login',
      'GET /api/v1/auth/me',
      'PATCH /api/v1/users/u%202',
    ]);
    expect(headersOf(requests[0])).not.toHaveProperty(CSRF_HEADER);
    expect(headersOf(requests[0])['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(requests[0]?.init.body))).toEqual({ username: 'quantri', password: 'mật khẩu đủ dài' });
    expect(headersOf(requests[1])).not.toHaveProperty(CSRF_HEADER);
    expect(headersOf(requests[1])).not.toHaveProperty('Content-Type');
    expect(requests[1]?.init.body).toBeUndefined();
    expect(headersOf(requests[2])[CSRF_HEADER]).toBe('hd_csrf');
    expect(JSON.parse(String(requests[2]?.init.body))).toEqual({ disabled: true });
    expect(requests.every((request) => request.init.credentials === 'same-origin')).toBe(true);
  });

  it('goes with a logout that has no body', async () => {
    const requests: RecordedRequest[] = [];
    const client = recordingClient('vi', () => new Response(null, { status: 204 }), requests);
    client.csrfToken = 'hd_x';

    await expect(client.logoutEverywhere()).resolves.toBeUndefined();

    expect(requests[0]?.init.method).toBe('POST');
    expect(requests[0]?.url).toBe('/api/v1/auth/logout-all');
    expect(headersOf(requests[0])[CSRF_HEADER]).toBe('hd_x');
    expect(headersOf(requests[0])).not.toHaveProperty('Content-Type');
  });

  it('passes the server message of a refused login', async () => {
    const body = { error: { code: 'LOGIN_FAILED', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' } };
    const client = recordingClient('vi', () => Response.json(body, { status: 401 }), []);

    const error = await client.login('a', 'b').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect(isSessionLost(error)).toBe(false);
    expect(isSessionLost(new ApiError(401, 'UNAUTHENTICATED', 'x'))).toBe(true);
    expect(isSessionLost(new ApiError(401, 'TWO_FACTOR_REQUIRED', 'x'))).toBe(true);
    expect(isSessionLost(new ApiError(403, 'FORBIDDEN', 'x'))).toBe(false);
  });
});

describe('role labels', () => {
  const vi = new Translator('vi');
  const en = new Translator('en');

  it('name every role in Vietnamese', () => {
    expect(ROLES.map((role) => roleLabel(role, vi))).toEqual([
      'Quản trị hệ thống',
      'Điều hành viên IOC',
      'Lãnh đạo UBND tỉnh',
      'Cán bộ sở, ngành',
      'Cán bộ xã, phường',
      'Kiểm tra, giám sát',
    ]);
  });

  it('name every role in English', () => {
    for (const role of ROLES) {
      const id = roleMessageId(role) ?? '';
      expect(en.has(id), role).toBe(true);
      expect(roleLabel(role, en), role).not.toBe(roleLabel(role, vi));
    }
    expect(roleLabel('admin', en)).toBe('System administrator');
    expect(roleLabel('operator', en)).toBe('IOC operator');
  });

  it('keep the code of an unknown role', () => {
    expect(roleMessageId('agency_system')).toBeNull();
    expect(roleLabel('agency_system', vi)).toBe('agency_system');
  });

  it('show the scope by name', () => {
    const names = { agencies: new Map([['so-nnmt', 'Sở Nông nghiệp và Môi trường']]), units: new Map([['22918', 'Phường Mũi Né']]) };
    const agency: GrantView = { role: 'agency_officer', agency: 'so-nnmt', unit: null };
    const commune: GrantView = { role: 'commune_officer', agency: null, unit: '22918' };
    expect(grantLabel(agency, vi, names)).toBe('Cán bộ sở, ngành (Sở Nông nghiệp và Môi trường)');
    expect(grantLabel(commune, en, names)).toBe('Commune or ward officer (Phường Mũi Né)');
    expect(grantLabel({ ...commune, unit: '99999' }, vi, names)).toBe('Cán bộ xã, phường (99999)');
    expect(grantLabel(session.grants[0] as GrantView, vi)).toBe('Quản trị hệ thống');
  });

  it('summarise the roles of a session without repeats', () => {
    const grants: GrantView[] = [
      { role: 'commune_officer', agency: null, unit: '1' },
      { role: 'commune_officer', agency: null, unit: '2' },
      { role: 'operator', agency: null, unit: null },
    ];
    expect(roleSummary(grants, vi)).toBe('Cán bộ xã, phường · Điều hành viên IOC');
  });

  it('decide which views a session opens', () => {
    expect(allowedViews(null)).toEqual(['dashboard']);
    expect(allowedViews(session)).toEqual(['dashboard', 'users', 'api-keys', 'cases', 'case-stats']);
    expect(allowedViews({ ...session, grants: [{ role: 'auditor', agency: null, unit: null }] })).toEqual(['dashboard', 'audit']);
    // Before the second factor, nothing more than the public page.
    expect(allowedViews({ ...session, stage: 'two_factor' })).toEqual(['dashboard']);
    expect(hasRole({ ...session, stage: 'two_factor' }, 'admin')).toBe(false);
    expect(resolveView(viewFromHash('#users'), { ...session, grants: [{ role: 'operator', agency: null, unit: null }] })).toBe('dashboard');
    expect(resolveView(viewFromHash('#users'), session)).toBe('users');
    expect(viewFromHash('#nothing')).toBe('dashboard');
    expect(viewFromHash('')).toBe('dashboard');
  });
});

describe('second factor', () => {
  it('shows the secret in groups of four', () => {
    expect(formatSecret('LY4WOYNWSSAKLI3J54CRD5D7I5NS3UFE')).toBe('LY4W OYNW SSAK LI3J 54CR D5D7 I5NS 3UFE');
    expect(formatSecret('abcdefghij==')).toBe('ABCD EFGH IJ');
    expect(formatSecret('')).toBe('');
  });

  it('accepts six digits, with spaces', () => {
    expect(isValidCode('123456')).toBe(true);
    expect(isValidCode('123 456')).toBe(true);
    expect(normalizeCode(' 123-456 ')).toBe('123456');
    expect(isValidCode('12345')).toBe(false);
    expect(isValidCode('1234567')).toBe(false);
    expect(isValidCode('12345a')).toBe(false);
  });
});

describe('form validation', () => {
  it('checks usernames like the server', () => {
    expect(usernameProblem('')).toBe('validation-username-required');
    expect(usernameProblem('  ')).toBe('validation-username-required');
    expect(usernameProblem('ab')).toBe('validation-username-format');
    expect(usernameProblem('trần.lan')).toBe('validation-username-format');
    expect(usernameProblem('tran lan')).toBe('validation-username-format');
    expect(usernameProblem('x'.repeat(65))).toBe('validation-username-format');
    expect(usernameProblem(' Tran.Lan_2 ')).toBeNull();
  });

  it('checks password length and username', () => {
    expect(passwordProblem('', 'lan')).toBe('validation-password-required');
    expect(passwordProblem('ngắn quá', 'lan')).toBe('validation-password-short');
    // Twelve characters, more bytes: accepted.
    expect(passwordProblem('đường biển ở', 'an')).toBeNull();
    expect(passwordProblem('x'.repeat(257), 'an')).toBe('validation-password-long');
    expect(passwordProblem('tôi là LAN.TRAN năm 2026', 'lan.tran')).toBe('validation-password-username');
    // A username under three characters is not looked for.
    expect(passwordProblem('an toàn là trên hết', 'an')).toBeNull();
  });

  it('asks for the scope a role needs', () => {
    expect(grantProblems([])).toEqual([{ field: 'grants', message: 'validation-grants-required' }]);
    expect(
      grantProblems([
        { role: '', agency: '', unit: '' },
        { role: 'agency_officer', agency: '', unit: '' },
        { role: 'commune_officer', agency: '', unit: '' },
        { role: 'operator', agency: '', unit: '' },
        { role: 'operator', agency: '', unit: '' },
      ]),
    ).toEqual([
      { field: 'grant-0-role', message: 'validation-role-required' },
      { field: 'grant-1-agency', message: 'validation-agency-required' },
      { field: 'grant-2-unit', message: 'validation-unit-required' },
      { field: 'grant-4-role', message: 'validation-grant-duplicate' },
    ]);
    expect(grantProblems([{ role: 'commune_officer', agency: '', unit: '22918' }])).toEqual([]);
  });

  it('lists every problem of a new user', () => {
    const problems = newUserProblems({ username: '', displayName: ' ', password: '', passwordConfirm: '', grants: [] });
    expect(problems.map((problem) => problem.field)).toEqual(['username', 'display-name', 'password', 'grants']);
    const mismatch = newUserProblems({
      username: 'lan.tran',
      displayName: 'Trần Thị Lan',
      password: 'Biển xanh cát trắng',
      passwordConfirm: 'Biển xanh cát trắng!',
      grants: [{ role: 'operator', agency: '', unit: '' }],
    });
    expect(mismatch).toEqual([{ field: 'password-confirm', message: 'validation-password-mismatch' }]);
  });

  it('checks a set password only', () => {
    expect(userEditProblems(user, editDraft())).toEqual([]);
    expect(userEditProblems(user, editDraft({ password: 'ngắn' }))).toEqual([{ field: 'password', message: 'validation-password-short' }]);
    expect(userEditProblems(user, editDraft({ passwordConfirm: 'x' }))).toEqual([
      { field: 'password', message: 'validation-password-required' },
    ]);
  });

  it('checks own password change', () => {
    expect(passwordChangeProblems({ current: '', next: '', confirm: '' }, 'lan').map((problem) => problem.field)).toEqual([
      'current-password',
      'new-password',
    ]);
    expect(passwordChangeProblems({ current: 'Biển xanh cát trắng', next: 'Biển xanh cát trắng', confirm: 'Biển xanh cát trắng' }, 'lan')).toEqual([
      { field: 'new-password', message: 'validation-password-same' },
    ]);
    expect(passwordChangeProblems({ current: 'cũ', next: 'Gió chướng thổi qua', confirm: 'Gió chướng' }, 'lan')).toEqual([
      { field: 'confirm-password', message: 'validation-password-mismatch' },
    ]);
    expect(passwordChangeProblems({ current: 'cũ', next: 'Gió chướng thổi qua', confirm: 'Gió chướng thổi qua' }, 'lan')).toEqual([]);
  });
});

describe('user changes', () => {
  it('send only what changed', () => {
    expect(userPatchOf(user, editDraft())).toBeNull();
    expect(userPatchOf(user, editDraft({ displayName: ' Trần Thị Lan ' }))).toBeNull();
    expect(userPatchOf(user, editDraft({ displayName: 'Trần Lan' }))).toEqual({ display_name: 'Trần Lan' });
    expect(userPatchOf(user, editDraft({ disabled: true, unlock: true, resetTwoFactor: true }))).toEqual({
      disabled: true,
      unlock: true,
      reset_two_factor: true,
    });
    expect(userPatchOf(user, editDraft({ password: 'Gió chướng thổi qua' }))).toEqual({ password: 'Gió chướng thổi qua' });
  });

  it('compare grants without their order', () => {
    const two: UserView = {
      ...user,
      grants: [
        { role: 'operator', agency: null, unit: null },
        { role: 'commune_officer', agency: null, unit: '22918' },
      ],
    };
    const reordered = editDraft({
      grants: [
        { role: 'commune_officer', agency: '', unit: '22918' },
        { role: 'operator', agency: '', unit: '' },
      ],
    });
    expect(userPatchOf(two, reordered)).toBeNull();
    expect(userPatchOf(two, editDraft())).toEqual({ grants: [{ role: 'operator' }] });
  });

  it('tell which changes end sessions', () => {
    expect(patchEndsSessions({ display_name: 'x' })).toBe(false);
    expect(patchEndsSessions({ unlock: true })).toBe(false);
    expect(patchEndsSessions({ disabled: false })).toBe(false);
    expect(patchEndsSessions({ disabled: true })).toBe(true);
    expect(patchEndsSessions({ grants: [] })).toBe(true);
    expect(patchEndsSessions({ password: 'x' })).toBe(true);
    expect(patchEndsSessions({ reset_two_factor: true })).toBe(true);
  });

  it('see a lock only until it ends', () => {
    expect(isLocked({ locked_until: null }, 1000)).toBe(false);
    expect(isLocked({ locked_until: 2000 }, 1000)).toBe(true);
    expect(isLocked({ locked_until: 500 }, 1000)).toBe(false);
  });

  it('take agencies from the sources and communes from the units', () => {
    const base = { name: '', kind: '', simulated: false, responsible_person: null, series_count: 0, last_received_at: null, last_observation_time: null, status: 'never' as const };
    const agencies = agenciesOf([
      { ...base, key: 'a', agency: 'ioc', agency_name: 'Trung tâm IOC' },
      { ...base, key: 'b', agency: 'ioc', agency_name: 'Trung tâm IOC' },
      { ...base, key: 'c', agency: 'dai-kttv', agency_name: null },
    ]);
    expect([...agencies]).toEqual([
      ['ioc', 'Trung tâm IOC'],
      ['dai-kttv', 'dai-kttv'],
    ]);
    const unit = { kind: 'Phường', parent: '68', valid_from: null, valid_to: null };
    const communes = communesOf([
      { ...unit, code: '68', name: 'Tỉnh Lâm Đồng', level: 'province' },
      { ...unit, code: '22918', name: 'Phường Mũi Né', level: 'commune' },
    ]);
    expect([...communes]).toEqual([['22918', 'Phường Mũi Né']]);
  });
});

describe('API key form', () => {
  // 05/12/2026 10:00 in Vietnam.
  const now = Date.parse('2026-12-05T10:00:00+07:00');
  const draft = { name: ' tram-so-nnmt ', role: 'agency', agency: 'so-nnmt', sources: [] as string[], expires: '' };

  it('asks for a name and an agency', () => {
    expect(apiKeyProblems({ ...draft, name: ' ', agency: '' }, now)).toEqual([
      { field: 'key-name', message: 'validation-key-name-required' },
      { field: 'key-agency', message: 'validation-key-agency-required' },
    ]);
    expect(apiKeyProblems({ ...draft, name: 'k'.repeat(65) }, now)).toEqual([{ field: 'key-name', message: 'validation-key-name-long' }]);
    expect(apiKeyProblems({ ...draft, role: 'admin', agency: '' }, now)).toEqual([]);
  });

  it('checks the expiry date', () => {
    expect(apiKeyProblems({ ...draft, expires: '31/02/2027' }, now)).toEqual([{ field: 'key-expires', message: 'validation-date-format' }]);
    expect(apiKeyProblems({ ...draft, expires: '04/12/2026' }, now)).toEqual([{ field: 'key-expires', message: 'validation-date-past' }]);
    // The key works until the end of the day it names, so today is accepted.
    expect(apiKeyProblems({ ...draft, expires: '05/12/2026' }, now)).toEqual([]);
  });

  it('builds the request body', () => {
    expect(apiKeyBodyOf(draft)).toEqual({ name: 'tram-so-nnmt', role: 'agency', agency: 'so-nnmt' });
    expect(apiKeyBodyOf({ ...draft, sources: ['sim-air'], expires: '31/12/2026' })).toEqual({
      name: 'tram-so-nnmt',
      role: 'agency',
      agency: 'so-nnmt',
      sources: ['sim-air'],
      expires_at: Date.parse('2026-12-31T23:59:59+07:00'),
    });
    expect(apiKeyBodyOf({ ...draft, role: 'admin', sources: ['sim-air'] })).toEqual({ name: 'tram-so-nnmt', role: 'admin' });
  });

  it('names the state of a key', () => {
    expect(apiKeyState({ revoked_at: null, expires_at: null }, now)).toBe('active');
    expect(apiKeyState({ revoked_at: null, expires_at: now + 1 }, now)).toBe('active');
    expect(apiKeyState({ revoked_at: null, expires_at: now }, now)).toBe('expired');
    expect(apiKeyState({ revoked_at: now - 1, expires_at: now + 1 }, now)).toBe('revoked');
  });

  it('sends the CSRF token when rotating and revoking', async () => {
    const requests: RecordedRequest[] = [];
    const client = recordingClient('vi', () => new Response(null, { status: 204 }), requests);
    client.csrfToken = 'hd_k';

    await client.revokeApiKey('trạm/1');

    expect(requests[0]?.init.method).toBe('DELETE');
    expect(requests[0]?.url).toBe('/api/v1/api-keys/tr%E1%BA%A1m%2F1');
    expect(headersOf(requests[0])[CSRF_HEADER]).toBe('hd_k');
  });
});

describe('session mark', () => {
  it('is stored, read and removed', () => {
    const saved = new Map<string, string>();
    const storage = {
      getItem: (key: string) => saved.get(key) ?? null,
      setItem: (key: string, value: string) => void saved.set(key, value),
      removeItem: (key: string) => void saved.delete(key),
    };
    expect(readSessionHint(storage)).toBe(false);
    storeSessionHint(storage, true);
    expect(saved.get(SESSION_HINT_KEY)).toBe('1');
    expect(readSessionHint(storage)).toBe(true);
    storeSessionHint(storage, false);
    expect(readSessionHint(storage)).toBe(false);
  });

  it('survives blocked storage', () => {
    const blocked = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
      removeItem: () => {
        throw new Error('blocked');
      },
    };
    expect(readSessionHint(blocked)).toBe(false);
    expect(() => storeSessionHint(blocked, true)).not.toThrow();
    expect(readSessionHint(null)).toBe(false);
  });
});

describe('account messages', () => {
  it('cover every id in both languages', () => {
    const elementIds = new Set([...indexHtml.matchAll(/\bid="([^"]+)"/g)].map((match) => match[1] ?? ''));
    const used = new Set<string>();
    for (const text of Object.values(accountFiles)) {
      for (const match of text.matchAll(/'((?:role|validation|users?|keys?|login|logout|two-factor|password|audit|session)-[a-z0-9-]+)'/g)) {
        used.add(match[1] ?? '');
      }
    }
    expect(used.size).toBeGreaterThan(40);
    for (const lang of ['vi', 'en'] as const) {
      const t = new Translator(lang);
      // Strings that name elements of index.html need no message.
      const missing = [...used].filter((id) => !t.has(id) && !elementIds.has(id));
      expect(missing, `ids missing from locales/${lang}/web.ftl`).toEqual([]);
    }
  });

  it('name the header buttons', () => {
    const vi = new Translator('vi');
    expect(vi.t('login-button')).toBe('Đăng nhập');
    expect(vi.t('logout-button')).toBe('Đăng xuất');
    expect(vi.t('logout-all-button')).toBe('Đăng xuất mọi thiết bị');
    expect(vi.t('nav-users')).toBe('Quản trị người dùng');
    expect(new Translator('en').t('users-failed-logins', { count: 1 })).toBe('1 failed login');
    expect(new Translator('en').t('users-failed-logins', { count: 3 })).toBe('3 failed logins');
  });
});
