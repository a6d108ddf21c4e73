// The API key view, for administrators: keys of agency systems and of
// administrators' automation. A new or rotated secret is shown once.

import type { ApiClient } from './api';
import { isSessionLost } from './account';
import { apiKeyBodyOf, apiKeyProblems, apiKeyState, type ApiKeyDraft } from './auth';
import { confirmAction } from './confirm';
import { byId, el, showError } from './dom';
import { clearProblems, inputValue, setBusy, showProblems } from './form';
import { MISSING, formatDateTime, localeTag } from './format';
import type { Translator } from './i18n';
import type { ApiKeyView, IssuedApiKey, Source } from './types';
import { agenciesOf } from './users-admin';

const STATE_BADGES = { active: 'badge-fresh', expired: 'badge-stale', revoked: 'badge-never' } as const;
const STATE_MESSAGES = { active: 'keys-state-active', expired: 'keys-state-expired', revoked: 'keys-state-revoked' } as const;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ApiKeysAdmin {
  private readonly api: ApiClient;
  private readonly translator: Translator;
  private readonly onSessionLost: () => void;
  private keys: ApiKeyView[] = [];
  private sources: Source[] = [];
  private loaded = false;
  /** The secret last issued, shown until the administrator hides it or leaves. */
  private issued: IssuedApiKey | null = null;

  private readonly body = byId<HTMLTableSectionElement>('keys-body');
  private readonly dialog = byId<HTMLDialogElement>('key-dialog');
  private readonly form = byId<HTMLFormElement>('key-form');

  constructor(api: ApiClient, translator: Translator, onSessionLost: () => void) {
    this.api = api;
    this.translator = translator;
    this.onSessionLost = onSessionLost;
    byId('key-add').addEventListener('click', () => this.openCreate());
    byId('keys-refresh').addEventListener('click', () => void this.load());
    byId('key-cancel').addEventListener('click', () => this.dialog.close());
    byId('issued-key-hide').addEventListener('click', () => this.showIssued(null));
    byId('key-role').addEventListener('change', () => this.renderScopeFields());
    byId('key-agency').addEventListener('change', () => this.renderSources());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
  }

  setReferenceData(sources: Source[]): void {
    if (sources.length) {
      this.sources = sources;
    }
    this.render();
  }

  show(): void {
    if (!this.loaded) {
      void this.load();
    }
  }

  /** Forgets the list and any secret on screen, for example after logout. */
  reset(): void {
    this.keys = [];
    this.loaded = false;
    this.showIssued(null);
    this.body.replaceChildren();
    showError(byId('keys-error'), null);
    byId('keys-notice').textContent = '';
    if (this.dialog.open) {
      this.dialog.close();
    }
  }

  refreshLanguage(): void {
    this.render();
    this.showIssued(this.issued);
  }

  async load(): Promise<void> {
    const view = byId('view-api-keys');
    view.dataset.state = 'loading';
    try {
      this.keys = [...(await this.api.apiKeys()).keys].sort((a, b) => a.name.localeCompare(b.name));
      this.loaded = true;
      showError(byId('keys-error'), null);
      this.render();
      view.dataset.state = 'ready';
    } catch (error) {
      view.dataset.state = 'error';
      if (isSessionLost(error)) {
        this.onSessionLost();
        return;
      }
      showError(byId('keys-error'), this.translator.t('load-failed', { message: messageOf(error) }));
    }
  }

  private agencyName(agency: string | null): string {
    if (!agency) {
      return MISSING;
    }
    return agenciesOf(this.sources).get(agency) ?? agency;
  }

  private sourceName(key: string): string {
    return this.sources.find((source) => source.key === key)?.name ?? key;
  }

  private render(): void {
    if (!this.loaded) {
      return;
    }
    const t = this.translator;
    if (this.keys.length === 0) {
      this.body.replaceChildren(
        el('tr', {}, [el('td', { className: 'placeholder', text: t.t('keys-empty'), attrs: { colspan: '8' } })]),
      );
      return;
    }
    const now = Date.now();
    this.body.replaceChildren(
      ...this.keys.map((key) => {
        const state = apiKeyState(key, now);
        const scope: (HTMLElement | string)[] = [];
        if (key.role === 'agency') {
          scope.push(el('div', { text: this.agencyName(key.agency) }));
          scope.push(
            el('div', {
              className: 'cell-note',
              text: key.sources?.length ? key.sources.map((source) => this.sourceName(source)).join('; ') : t.t('keys-all-sources'),
            }),
          );
        } else {
          scope.push(t.t('keys-scope-admin'));
        }
        const actions: HTMLElement[] = [];
        if (state !== 'revoked') {
          const rotate = el('button', {
            className: 'button button-small',
            text: t.t('key-rotate'),
            attrs: { type: 'button', 'aria-label': t.t('key-rotate-named', { name: key.name }) },
          });
          rotate.addEventListener('click', () => void this.rotate(key));
          const revoke = el('button', {
            className: 'button button-small',
            text: t.t('key-revoke'),
            attrs: { type: 'button', 'aria-label': t.t('key-revoke-named', { name: key.name }) },
          });
          revoke.addEventListener('click', () => void this.revoke(key));
          actions.push(rotate, revoke);
        }
        return el('tr', { attrs: { 'data-key': key.name } }, [
          el('td', { className: 'mono nowrap', text: key.name }),
          el('td', { text: t.t(key.role === 'admin' ? 'keys-role-admin' : 'keys-role-agency') }),
          el('td', {}, scope),
          el('td', { className: 'nowrap', text: formatDateTime(key.created_at) }),
          el('td', { className: 'nowrap', text: key.expires_at === null ? t.t('keys-no-expiry') : formatDateTime(key.expires_at) }),
          el('td', { className: 'nowrap', text: key.last_used_at === null ? t.t('keys-never-used') : formatDateTime(key.last_used_at) }),
          el('td', {}, [
            el('span', {
              className: `badge ${STATE_BADGES[state]}`,
              text: t.t(STATE_MESSAGES[state]),
              attrs: { 'data-state': state },
            }),
          ]),
          el('td', { className: 'actions' }, actions),
        ]);
      }),
    );
  }

  /** Shows a secret just issued, or hides the box when `issued` is null. */
  private showIssued(issued: IssuedApiKey | null): void {
    this.issued = issued;
    const box = byId('issued-key');
    box.hidden = issued === null;
    byId('issued-key-title').textContent = issued ? this.translator.t('key-issued', { name: issued.record.name }) : '';
    byId('issued-key-value').textContent = issued?.key ?? '';
  }

  private openCreate(): void {
    this.form.reset();
    clearProblems(this.form);
    showError(byId('key-form-error'), null);
    const t = this.translator;
    const agency = byId<HTMLSelectElement>('key-agency');
    const collator = new Intl.Collator(localeTag(t.lang));
    const agencies = [...agenciesOf(this.sources)].sort((a, b) => collator.compare(a[1], b[1]));
    agency.replaceChildren(
      el('option', { text: t.t('user-agency-choose'), attrs: { value: '' } }),
      ...agencies.map(([code, name]) => el('option', { text: name, attrs: { value: code } })),
    );
    this.renderScopeFields();
    this.dialog.showModal();
    byId<HTMLInputElement>('key-name').focus();
  }

  private renderScopeFields(): void {
    byId('key-agency-fields').hidden = inputValue(this.form, 'key-role') !== 'agency';
    this.renderSources();
  }

  private renderSources(): void {
    const agency = inputValue(this.form, 'key-agency');
    const own = this.sources.filter((source) => source.agency === agency);
    byId('key-sources-group').hidden = own.length === 0;
    byId('key-sources').replaceChildren(
      ...own.map((source) =>
        el('label', { className: 'check-field' }, [
          el('input', { attrs: { type: 'checkbox', name: 'sources', value: source.key } }),
          el('span', { text: source.name }),
        ]),
      ),
    );
  }

  private draft(): ApiKeyDraft {
    return {
      name: inputValue(this.form, 'key-name'),
      role: inputValue(this.form, 'key-role'),
      agency: inputValue(this.form, 'key-agency'),
      sources: [...this.form.querySelectorAll<HTMLInputElement>('input[name="sources"]:checked')].map((input) => input.value),
      expires: inputValue(this.form, 'key-expires'),
    };
  }

  private async submit(): Promise<void> {
    const draft = this.draft();
    showError(byId('key-form-error'), null);
    if (showProblems(this.form, apiKeyProblems(draft, Date.now()), this.translator)) {
      return;
    }
    setBusy(this.form, true);
    try {
      const issued = await this.api.createApiKey(apiKeyBodyOf(draft));
      this.dialog.close();
      this.showIssued(issued);
      byId('keys-notice').textContent = this.translator.t('key-created', { name: issued.record.name });
      await this.load();
    } catch (error) {
      if (isSessionLost(error)) {
        this.dialog.close();
        this.onSessionLost();
        return;
      }
      showError(byId('key-form-error'), messageOf(error));
    } finally {
      setBusy(this.form, false);
    }
  }

  private async rotate(key: ApiKeyView): Promise<void> {
    const t = this.translator;
    if (!(await confirmAction(t.t('key-rotate-confirm', { name: key.name }), t.t('key-rotate')))) {
      return;
    }
    await this.act(async () => {
      const issued = await this.api.rotateApiKey(key.name);
      this.showIssued(issued);
      byId('keys-notice').textContent = t.t('key-rotated', { name: key.name });
    });
  }

  private async revoke(key: ApiKeyView): Promise<void> {
    const t = this.translator;
    if (!(await confirmAction(t.t('key-revoke-confirm', { name: key.name }), t.t('key-revoke')))) {
      return;
    }
    await this.act(async () => {
      await this.api.revokeApiKey(key.name);
      if (this.issued?.record.name === key.name) {
        this.showIssued(null);
      }
      byId('keys-notice').textContent = t.t('key-revoked', { name: key.name });
    });
  }

  /** Runs a change, then reloads the list; errors go to the view's error line. */
  private async act(change: () => Promise<void>): Promise<void> {
    showError(byId('keys-error'), null);
    try {
      await change();
      await this.load();
    } catch (error) {
      if (isSessionLost(error)) {
        this.onSessionLost();
        return;
      }
      showError(byId('keys-error'), messageOf(error));
    }
  }
}
