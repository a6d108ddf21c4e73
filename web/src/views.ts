// The page's views: the public dashboard, and the screens that some roles add.

import { hasRole } from './auth';
import { dispatchModeOf, handlesCases, readsCaseStatistics } from './cases';
import type { SessionView } from './types';

export type ViewId = 'dashboard' | 'users' | 'api-keys' | 'audit' | 'cases' | 'my-cases' | 'case-stats';

const HASHES: Record<ViewId, string> = {
  dashboard: '',
  users: '#users',
  'api-keys': '#api-keys',
  audit: '#audit',
  cases: '#cases',
  'my-cases': '#my-cases',
  'case-stats': '#case-stats',
};

export function viewFromHash(hash: string): ViewId {
  const found = (Object.keys(HASHES) as ViewId[]).find((view) => view !== 'dashboard' && HASHES[view] === hash);
  return found ?? 'dashboard';
}

export function hashOf(view: ViewId): string {
  return HASHES[view];
}

/**
 * Lists the views the session may open: administrators manage users and API keys, auditors
 * read the audit trail, operators (and leaders, read-only) work on citizen reports, agency
 * and commune officers handle the reports given to them.
 */
export function allowedViews(session: Pick<SessionView, 'grants' | 'stage'> | null): ViewId[] {
  const views: ViewId[] = ['dashboard'];
  if (hasRole(session, 'admin')) {
    views.push('users', 'api-keys');
  }
  if (hasRole(session, 'auditor')) {
    views.push('audit');
  }
  if (dispatchModeOf(session)) {
    views.push('cases');
  }
  if (handlesCases(session)) {
    views.push('my-cases');
  }
  if (readsCaseStatistics(session)) {
    views.push('case-stats');
  }
  return views;
}

/** Returns the view to show for a requested one. A view that the session may not open falls back to the dashboard. */
export function resolveView(requested: ViewId, session: Pick<SessionView, 'grants' | 'stage'> | null): ViewId {
  return allowedViews(session).includes(requested) ? requested : 'dashboard';
}
