// Client for the JSON API under /api/v1, served by the haidang binary on
// the same origin as the page.

import type { FeatureCollection, Geometry, LineString, MultiLineString } from 'geojson';
import type {
  About,
  AgenciesResponse,
  Aggregation,
  ApiErrorBody,
  ApiKeysResponse,
  AuditResponse,
  BoundaryProperties,
  CaseDetail,
  CaseEventBody,
  CaseList,
  CaseReporterDetail,
  CaseService,
  CaseStatistics,
  CaseView,
  EntitiesResponse,
  IssuedApiKey,
  Lang,
  NewApiKeyBody,
  NewCaseAnswer,
  NewCaseBody,
  NewUserBody,
  ObservationsResponse,
  OverdueList,
  SeriesResponse,
  SessionView,
  SourcesResponse,
  Step,
  TyphoonProperties,
  UnitsResponse,
  UserPatch,
  UserView,
  UsersResponse,
} from './types';

export const API_BASE = '/api/v1';

export interface ObservationQuery {
  /** Start of the period, ISO 8601 with offset. */
  from: string;
  /** End of the period, ISO 8601 with offset. */
  to: string;
  step: Step;
  /** Ignored by the server for raw points, so it is left out of raw queries. */
  agg: Aggregation;
}

/** Error returned by the API as `{"error":{"code","message"}}`, or a failed request. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Header that carries the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** Methods that change state. The server checks the CSRF token on these when a session cookie is sent. */
export function isUnsafeMethod(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/**
 * Headers of an API request: the UI language, JSON for a body, and the
 * session's CSRF token on every state-changing method.
 */
export function requestHeaders(method: string, lang: Lang, csrfToken: string | null, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': lang };
  if (hasBody) {
    headers['Content-Type'] = 'application/json';
  }
  if (csrfToken && isUnsafeMethod(method)) {
    headers[CSRF_HEADER] = csrfToken;
  }
  return headers;
}

export function observationsUrl(seriesKey: string, query: ObservationQuery): string {
  const params = new URLSearchParams({ from: query.from, to: query.to, step: query.step });
  if (query.step !== 'raw') {
    params.set('agg', query.agg);
  }
  return `${API_BASE}/series/${encodeURIComponent(seriesKey)}/observations?${params.toString()}`;
}

export function unitsUrl(asOf?: string, parent?: string): string {
  const params = new URLSearchParams();
  if (asOf) {
    params.set('as_of', asOf);
  }
  if (parent) {
    params.set('parent', parent);
  }
  const query = params.toString();
  return query ? `${API_BASE}/units?${query}` : `${API_BASE}/units`;
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) {
    return false;
  }
  const error = (body as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** Turns a non-2xx response into an ApiError, using the JSON error body when there is one. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON, for example a proxy's HTML error page.
  }
  if (isErrorBody(body)) {
    return new ApiError(response.status, String(body.error.code ?? ''), body.error.message);
  }
  return new ApiError(response.status, 'http_error', `HTTP ${response.status} ${response.statusText}`.trim());
}

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export class ApiClient {
  private readonly lang: () => Lang;
  private readonly fetchFn: FetchFn;
  /** CSRF token of the current session, sent with every state-changing request. */
  csrfToken: string | null = null;

  /** `lang` is read on every request so that responses follow the UI language. */
  constructor(lang: () => Lang, fetchFn: FetchFn = (input, init) => fetch(input, init)) {
    this.lang = lang;
    this.fetchFn = fetchFn;
  }

  async get<T>(url: string, signal?: AbortSignal): Promise<T> {
    return this.send<T>('GET', url, undefined, signal);
  }

  /** Sends a request with an optional JSON body. A 204 response resolves to `undefined`. */
  async send<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const init: RequestInit = {
      method,
      headers: requestHeaders(method, this.lang(), this.csrfToken, body !== undefined),
      credentials: 'same-origin',
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    if (signal) {
      init.signal = signal;
    }
    const response = await this.fetchFn(url, init);
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    if (response.status === 204) {
      return undefined as T;
    }
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(response.status, 'invalid_json', `invalid JSON in the response to ${url}`);
    }
  }

  units(asOf?: string, parent?: string): Promise<UnitsResponse> {
    return this.get(unitsUrl(asOf, parent));
  }

  boundaries(): Promise<FeatureCollection<Geometry, BoundaryProperties>> {
    return this.get(`${API_BASE}/map/boundaries`);
  }

  typhoons(): Promise<FeatureCollection<LineString | MultiLineString, TyphoonProperties>> {
    return this.get(`${API_BASE}/map/typhoons`);
  }

  entities(): Promise<EntitiesResponse> {
    return this.get(`${API_BASE}/entities`);
  }

  series(): Promise<SeriesResponse> {
    return this.get(`${API_BASE}/series`);
  }

  observations(seriesKey: string, query: ObservationQuery, signal?: AbortSignal): Promise<ObservationsResponse> {
    return this.get(observationsUrl(seriesKey, query), signal);
  }

  sources(): Promise<SourcesResponse> {
    return this.get(`${API_BASE}/sources`);
  }

  about(): Promise<About> {
    return this.get(`${API_BASE}/about`);
  }

  login(username: string, password: string): Promise<SessionView> {
    return this.send('POST', `${API_BASE}/auth/login`, { username, password });
  }

  confirmTwoFactor(code: string): Promise<SessionView> {
    return this.send('POST', `${API_BASE}/auth/two-factor`, { code });
  }

  me(): Promise<SessionView> {
    return this.get(`${API_BASE}/auth/me`);
  }

  logout(): Promise<void> {
    return this.send('POST', `${API_BASE}/auth/logout`);
  }

  logoutEverywhere(): Promise<void> {
    return this.send('POST', `${API_BASE}/auth/logout-all`);
  }

  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.send('POST', `${API_BASE}/auth/password`, {
      current_password: currentPassword,
      new_password: newPassword,
    });
  }

  users(): Promise<UsersResponse> {
    return this.get(`${API_BASE}/users`);
  }

  createUser(body: NewUserBody): Promise<UserView> {
    return this.send('POST', `${API_BASE}/users`, body);
  }

  updateUser(id: string, patch: UserPatch): Promise<UserView> {
    return this.send('PATCH', `${API_BASE}/users/${encodeURIComponent(id)}`, patch);
  }

  apiKeys(): Promise<ApiKeysResponse> {
    return this.get(`${API_BASE}/api-keys`);
  }

  createApiKey(body: NewApiKeyBody): Promise<IssuedApiKey> {
    return this.send('POST', `${API_BASE}/api-keys`, body);
  }

  rotateApiKey(name: string): Promise<IssuedApiKey> {
    return this.send('POST', `${API_BASE}/api-keys/${encodeURIComponent(name)}/rotate`);
  }

  revokeApiKey(name: string): Promise<void> {
    return this.send('DELETE', `${API_BASE}/api-keys/${encodeURIComponent(name)}`);
  }

  audit(limit = 100): Promise<AuditResponse> {
    return this.get(`${API_BASE}/audit?limit=${limit}`);
  }

  agencies(): Promise<AgenciesResponse> {
    return this.get(`${API_BASE}/agencies`);
  }

  caseServices(): Promise<CaseService[]> {
    return this.get('/open311/v2/services.json');
  }

  /** Lists cases; `url` comes from `caseListUrl`. */
  cases(url: string): Promise<CaseList> {
    return this.get(url);
  }

  caseDetail(id: number): Promise<CaseDetail> {
    return this.get(`${API_BASE}/cases/${id}`);
  }

  caseDuplicates(id: number): Promise<CaseList> {
    return this.get(`${API_BASE}/cases/${id}/duplicates`);
  }

  /** Reads the reporter's contact unmasked; the server records the purpose in the audit trail. */
  caseReporter(id: number, purpose: string): Promise<CaseReporterDetail> {
    return this.get(`${API_BASE}/cases/${id}/reporter?${new URLSearchParams({ purpose }).toString()}`);
  }

  createCase(body: NewCaseBody): Promise<NewCaseAnswer> {
    return this.send('POST', `${API_BASE}/cases`, body);
  }

  /** Takes a step of the workflow through `/dispatch` (operator) or `/handle` (handler). */
  caseStep(id: number, path: 'dispatch' | 'handle', body: CaseEventBody): Promise<CaseView> {
    return this.send('POST', `${API_BASE}/cases/${id}/${path}`, body);
  }

  overdueCases(): Promise<OverdueList> {
    return this.get(`${API_BASE}/cases/overdue`);
  }

  caseStatistics(): Promise<CaseStatistics> {
    return this.get(`${API_BASE}/cases/statistics`);
  }
}
