// Shapes of the JSON documents returned by the /api/v1 endpoints. Times are
// ISO 8601 strings with an explicit UTC offset.

export type Lang = 'vi' | 'en';

export type UnitLevel = 'province' | 'district' | 'commune';

export interface AdminUnit {
  code: string;
  name: string;
  level: UnitLevel;
  parent: string | null;
  valid_from: string;
  valid_to: string | null;
}

export interface UnitsResponse {
  units: AdminUnit[];
}

export interface Entity {
  key: string;
  name: string;
  kind: string;
  lat: number;
  lon: number;
  source: string;
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
  source: string;
  agency: string;
  entity: string | null;
  unit_code: string | null;
  min: number | null;
  max: number | null;
  expected_interval_secs: number | null;
  first_time: string | null;
  last_time: string | null;
  last_value: number | null;
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
  /** Peak intensity. A number is read as a level on the Beaufort scale. */
  max_grade: number | string | null;
  min_distance_km: number | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
