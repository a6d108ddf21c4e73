// Shapes of the JSON documents returned by the /api/v1 endpoints. Times are
// ISO 8601 strings with an explicit UTC offset.

export type Lang = 'vi' | 'en';

export type UnitLevel = 'province' | 'district' | 'commune';

export interface AdminUnit {
  code: string;
  name: string;
  /** "district" units exist only before 1 July 2025. */
  level: UnitLevel;
  /** Type as written in the catalogue, such as Xã, Phường or Đặc khu. */
  kind?: string;
  parent: string | null;
  valid_from: string | null;
  valid_to: string | null;
}

export interface UnitsResponse {
  as_of?: string;
  units: AdminUnit[];
}

export interface Entity {
  key: string;
  name: string;
  kind: string;
  lat: number | null;
  lon: number | null;
  unit_code?: string | null;
  source: string | null;
  simulated: boolean;
  note: string | null;
  series: string[];
}

export interface EntitiesResponse {
  entities: Entity[];
}

export interface Series {
  key: string;
  name: string;
  unit: string;
  indicator?: string | null;
  source: string | null;
  agency: string | null;
  entity: string | null;
  unit_code: string | null;
  min: number | null;
  max: number | null;
  expected_interval_secs: number | null;
  first_time: string | null;
  last_time: string | null;
  last_value: number | null;
  last_received_at?: string | null;
  simulated: boolean;
}

export interface SeriesResponse {
  series: Series[];
}

export type Step = 'raw' | 'hour' | 'day' | 'month';

export type Aggregation = 'avg' | 'min' | 'max' | 'sum' | 'count' | 'last';

export interface ObservationPoint {
  time: string;
  value: number | null;
}

export interface ObservationsResponse {
  points: ObservationPoint[];
  series?: string;
  unit?: string;
  step?: Step;
  agg?: Aggregation;
  from?: string;
  to?: string;
}

export type FreshnessStatus = 'fresh' | 'stale' | 'never';

export interface Source {
  key: string;
  name: string;
  agency: string;
  agency_name: string | null;
  responsible_person: string | null;
  kind: string;
  simulated: boolean;
  description?: string | null;
  attribution?: string | null;
  expected_interval_secs?: number | null;
  series_count: number;
  last_received_at: string | null;
  last_observation_time: string | null;
  status: FreshnessStatus;
}

export interface SourcesResponse {
  sources: Source[];
}

export interface About {
  deployment: string;
  attributions: string[];
}

export interface BoundaryProperties {
  id: string;
  name: string;
  level: 'province' | 'district';
}

export interface TyphoonProperties {
  id: string;
  name: string;
  year: number;
  /** Peak intensity: a JMA best-track grade code (2-5, 9) or a text grade. */
  max_grade: number | string | null;
  min_distance_km: number | null;
  /** Times of the first and last fixes, ISO 8601 with offset. */
  start?: string | null;
  end?: string | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** Roles a person can hold. API keys of agency systems have a seventh, `agency_system`. */
export type Role = 'admin' | 'operator' | 'leader' | 'agency_officer' | 'commune_officer' | 'auditor';

/** A role within an optional scope: an agency, an administrative unit, or neither (province-wide). */
export interface GrantView {
  role: string;
  agency: string | null;
  unit: string | null;
}

export interface TwoFactorSetup {
  /** Base32 secret to type into an authenticator app. */
  secret: string;
  /** `otpauth://` address, the content of a QR code. */
  otpauth_url: string;
}

/** The caller's own account and session, from /auth/login, /auth/two-factor and /auth/me. */
export interface SessionView {
  user_id: string;
  username: string;
  display_name: string;
  grants: GrantView[];
  /** `two_factor` while the second factor is still due. */
  stage: 'full' | 'two_factor';
  /** Sent back in `X-CSRF-Token` with every state-changing request. */
  csrf_token: string;
  two_factor_enabled: boolean;
  /** Present once, at the first login of a role that needs a second factor. */
  two_factor_setup: TwoFactorSetup | null;
}

export interface UserView {
  id: string;
  username: string;
  display_name: string;
  grants: GrantView[];
  disabled: boolean;
  two_factor_enabled: boolean;
  failed_logins: number;
  /** Milliseconds since the Unix epoch. */
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface UsersResponse {
  users: UserView[];
}

export interface GrantBody {
  role: string;
  agency?: string;
  unit?: string;
}

export interface NewUserBody {
  username: string;
  display_name: string;
  password: string;
  grants: GrantBody[];
}

export interface UserPatch {
  display_name?: string;
  disabled?: boolean;
  grants?: GrantBody[];
  password?: string;
  unlock?: boolean;
  reset_two_factor?: boolean;
}

export interface AuditRecord {
  seq: number;
  /** ISO 8601 with the local offset. */
  at: string;
  actor: string;
  actor_name: string;
  role: string | null;
  scope: string | null;
  action: string;
  object: string | null;
  outcome: string;
  address: string | null;
  detail: unknown;
  hash: string;
}

export interface AuditResponse {
  records: AuditRecord[];
}

/** An API key as listed; the secret itself is never listed. Times are milliseconds since the Unix epoch. */
export interface ApiKeyView {
  id: string;
  name: string;
  /** `agency` for an agency's system, `admin` for administrators' automation. */
  role: string;
  agency: string | null;
  /** Sources the key may write to; null for all of the agency's sources. */
  sources: string[] | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface ApiKeysResponse {
  keys: ApiKeyView[];
}

/** A new or rotated key, with its secret, which the server shows only once. */
export interface IssuedApiKey {
  key: string;
  record: ApiKeyView;
}

export interface NewApiKeyBody {
  name: string;
  role: string;
  agency?: string;
  sources?: string[];
  expires_at?: number;
}

/** The reporter of a case as staff see it, masked. */
export interface CaseReporterView {
  name: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  masked: boolean;
}

/** The reporter unmasked, read with a stated purpose. */
export interface CaseReporterDetail {
  name: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
}

/** A citizen report as staff see it. */
export interface CaseView {
  id: number;
  state: string;
  /** Always Vietnamese; the page shows its own label of `state`. */
  state_label: string;
  allowed_events: string[];
  category: string;
  category_name: string;
  channel: string;
  description: string;
  lat: number | null;
  lon: number | null;
  address: string | null;
  commune_code: string | null;
  commune_name: string | null;
  agency: string | null;
  agency_name: string | null;
  /** Absent (null) for roles that may not read personal data. */
  reporter: CaseReporterView | null;
  answer: string | null;
  status_note: string | null;
  merged_into: number | null;
  rating: number | null;
  received_at: string;
  original_deadline: string;
  deadline: string;
  extension_approved: boolean;
  resolved_at: string | null;
  updated_at: string;
  deadline_status: 'on_track' | 'due_soon' | 'overdue' | null;
  simulated: boolean;
}

export interface CaseHistoryEntry {
  at: string;
  event: string;
  from_state: string | null;
  to_state: string;
  party: string;
  actor_name: string;
  note: string | null;
  detail: Record<string, unknown>;
}

export interface CaseMedia {
  id: string;
  purpose: string;
  content_type: string;
  size: number;
  url: string;
}

export interface CaseDetail extends CaseView {
  history: CaseHistoryEntry[];
  media: CaseMedia[];
}

export interface CaseList {
  cases: CaseView[];
}

export interface NewCaseBody {
  service_code: string;
  description: string;
  lat?: number;
  long?: number;
  address_string?: string;
  commune?: string;
  name?: string;
  phone?: string;
}

export interface NewCaseAnswer extends CaseView {
  token: string;
}

export interface CaseEventBody {
  event: string;
  note?: string;
  agency?: string;
  commune?: string;
  extra_days?: number;
  into?: number;
  photos?: { data: string }[];
}

export interface OverdueList {
  overdue: CaseView[];
  due_soon: CaseView[];
}

export interface TimelinessCounts {
  total: number;
  on_time: number;
  late_with_extension: number;
  late: number;
  open: number;
  open_overdue: number;
  not_counted: number;
}

export interface CaseStatisticsRow extends TimelinessCounts {
  key: string;
  name: string;
}

export interface CaseStatistics {
  total: TimelinessCounts;
  by_agency: CaseStatisticsRow[];
  by_category: CaseStatisticsRow[];
  as_of: string;
}

/** A category of report as Open311 lists it. */
export interface CaseService {
  service_code: string;
  service_name: string;
  haidang_service_name_en?: string;
}

export interface AgencyView {
  key: string;
  name: string;
}

export interface AgenciesResponse {
  agencies: AgencyView[];
}
