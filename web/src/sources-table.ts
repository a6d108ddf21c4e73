// The "data sources" table: who provides each feed and how fresh it is.

import { el } from './dom';
import { MISSING, formatDateTime, formatNumber } from './format';
import type { Translator } from './i18n';
import type { FreshnessStatus, Source } from './types';

const STATUS_MESSAGES: Record<FreshnessStatus, string> = {
  fresh: 'status-fresh',
  stale: 'status-stale',
  never: 'status-never',
};

export function statusMessageId(status: string): string {
  return STATUS_MESSAGES[status as FreshnessStatus] ?? STATUS_MESSAGES.never;
}

function statusBadge(status: FreshnessStatus, translator: Translator): HTMLElement {
  const known = status in STATUS_MESSAGES ? status : 'never';
  return el('span', {
    className: `badge badge-${known}`,
    text: translator.t(statusMessageId(known)),
    attrs: { 'data-status': known },
  });
}

export function renderSourcesTable(body: HTMLTableSectionElement, sources: Source[], translator: Translator): void {
  if (sources.length === 0) {
    body.replaceChildren(
      el('tr', {}, [el('td', { className: 'placeholder', text: translator.t('sources-empty'), attrs: { colspan: '7' } })]),
    );
    return;
  }

  const rows = sources.map((source) => {
    const nameCell = el('td', { className: 'source-name' }, [el('span', { text: source.name })]);
    if (source.simulated) {
      nameCell.append(' ', el('span', { className: 'badge badge-simulated', text: translator.t('badge-simulated') }));
    }
    return el('tr', { attrs: { 'data-source': source.key } }, [
      nameCell,
      el('td', { text: source.agency_name || source.agency || MISSING }),
      el('td', { text: source.responsible_person || MISSING }),
      el('td', { className: 'numeric', text: formatNumber(source.series_count, translator.lang, 0) }),
      el('td', { text: formatDateTime(source.last_received_at) }),
      el('td', { text: formatDateTime(source.last_observation_time) }),
      el('td', {}, [statusBadge(source.status, translator)]),
    ]);
  });
  body.replaceChildren(...rows);
}
