// A read-only list of the latest audit records, for auditors.

import type { ApiClient } from './api';
import { isSessionLost } from './account';
import { byId, el, showError } from './dom';
import { MISSING, formatDateTime } from './format';
import type { Translator } from './i18n';
import type { AuditRecord } from './types';

const OUTCOME_MESSAGES: Record<string, string> = {
  success: 'audit-outcome-success',
  denied: 'audit-outcome-denied',
  failure: 'audit-outcome-failure',
};

const OUTCOME_BADGES: Record<string, string> = {
  success: 'badge-fresh',
  denied: 'badge-error',
  failure: 'badge-stale',
};

/** Records shown at most; the API allows up to 1000 per listing. */
export const AUDIT_LIMIT = 200;

export class AuditView {
  private readonly api: ApiClient;
  private readonly translator: Translator;
  private readonly onSessionLost: () => void;
  private records: AuditRecord[] = [];
  private loaded = false;
  private readonly body = byId<HTMLTableSectionElement>('audit-body');

  constructor(api: ApiClient, translator: Translator, onSessionLost: () => void) {
    this.api = api;
    this.translator = translator;
    this.onSessionLost = onSessionLost;
    byId('audit-refresh').addEventListener('click', () => void this.load());
  }

  show(): void {
    if (!this.loaded) {
      void this.load();
    }
  }

  reset(): void {
    this.records = [];
    this.loaded = false;
    this.body.replaceChildren();
    showError(byId('audit-error'), null);
  }

  refreshLanguage(): void {
    this.render();
  }

  async load(): Promise<void> {
    const view = byId('view-audit');
    view.dataset.state = 'loading';
    try {
      this.records = (await this.api.audit(AUDIT_LIMIT)).records;
      this.loaded = true;
      showError(byId('audit-error'), null);
      this.render();
      view.dataset.state = 'ready';
    } catch (error) {
      view.dataset.state = 'error';
      if (isSessionLost(error)) {
        this.onSessionLost();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      showError(byId('audit-error'), this.translator.t('load-failed', { message }));
    }
  }

  private render(): void {
    if (!this.loaded) {
      return;
    }
    const t = this.translator;
    if (this.records.length === 0) {
      this.body.replaceChildren(
        el('tr', {}, [el('td', { className: 'placeholder', text: t.t('audit-empty'), attrs: { colspan: '6' } })]),
      );
      return;
    }
    this.body.replaceChildren(
      ...this.records.map((record) => {
        const outcome = OUTCOME_MESSAGES[record.outcome];
        return el('tr', { attrs: { 'data-seq': String(record.seq) } }, [
          el('td', { className: 'nowrap', text: formatDateTime(record.at) }),
          el('td', { text: record.actor_name || record.actor }),
          el('td', { className: 'mono', text: record.action }),
          el('td', { className: 'mono', text: record.object ?? MISSING }),
          el('td', {}, [
            el('span', {
              className: `badge ${OUTCOME_BADGES[record.outcome] ?? 'badge-never'}`,
              text: outcome ? t.t(outcome) : record.outcome,
            }),
          ]),
          el('td', { className: 'mono', text: record.address ?? MISSING }),
        ]);
      }),
    );
  }
}
