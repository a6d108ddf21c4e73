// The user administration view, for administrators: the list of accounts,
// and one dialog to create an account or to change it (name, roles and
// scopes, password, disabled state, lock, second factor).

import { ApiError, type ApiClient } from './api';
import { isSessionLost } from './account';
import {
  ROLES,
  draftOf,
  grantBodyOf,
  grantLabel,
  isLocked,
  newUserProblems,
  normalizeUsername,
  patchEndsSessions,
  roleLabel,
  roleNeedsAgency,
  roleNeedsTwoFactor,
  roleNeedsUnit,
  userEditProblems,
  userPatchOf,
  type FieldProblem,
  type GrantDraft,
  type ScopeNames,
} from './auth';
import { byId, el, showError } from './dom';
import { clearProblems, inputValue, setBusy, showProblems } from './form';
import { formatDateTime, localeTag } from './format';
import type { Translator } from './i18n';
import type { AdminUnit, Source, UserView } from './types';

export interface UsersAdminCallbacks {
  /** The session ended on the server while the view was in use. */
  onSessionLost(): void;
  /** Id of the signed-in user, who may not disable their own account. */
  currentUserId(): string | null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Agencies named by the data sources, sorted by name. */
export function agenciesOf(sources: Source[]): Map<string, string> {
  const agencies = new Map<string, string>();
  for (const source of sources) {
    if (source.agency && !agencies.has(source.agency)) {
      agencies.set(source.agency, source.agency_name || source.agency);
    }
  }
  return agencies;
}

/** Communes, wards and special zones in force, by code. */
export function communesOf(units: AdminUnit[]): Map<string, string> {
  return new Map(units.filter((unit) => unit.level === 'commune').map((unit) => [unit.code, unit.name]));
}

function sortedByName(names: ReadonlyMap<string, string>, lang: string): [string, string][] {
  const collator = new Intl.Collator(lang);
  return [...names].sort((a, b) => collator.compare(a[1], b[1]));
}

export class UsersAdmin {
  private readonly api: ApiClient;
  private readonly translator: Translator;
  private readonly callbacks: UsersAdminCallbacks;
  private users: UserView[] = [];
  private names: ScopeNames = { agencies: new Map(), units: new Map() };
  /** The account being edited, or null while creating one. */
  private editing: UserView | null = null;
  private drafts: GrantDraft[] = [];
  private loaded = false;

  private readonly body = byId<HTMLTableSectionElement>('users-body');
  private readonly dialog = byId<HTMLDialogElement>('user-dialog');
  private readonly form = byId<HTMLFormElement>('user-form');

  constructor(api: ApiClient, translator: Translator, callbacks: UsersAdminCallbacks) {
    this.api = api;
    this.translator = translator;
    this.callbacks = callbacks;
    byId('user-add').addEventListener('click', () => this.openCreate());
    byId('users-refresh').addEventListener('click', () => void this.load());
    byId('grant-add').addEventListener('click', () => {
      this.readDrafts();
      this.drafts.push({ role: '', agency: '', unit: '' });
      this.renderGrantRows();
      this.form.querySelector<HTMLSelectElement>(`[data-field="grant-${this.drafts.length - 1}-role"]`)?.focus();
    });
    byId('user-cancel').addEventListener('click', () => this.dialog.close());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
  }

  /** Names of agencies and communes for the pickers and the scope column. */
  setReferenceData(sources: Source[], units: AdminUnit[]): void {
    const agencies = agenciesOf(sources);
    const communes = communesOf(units);
    // Keep names already known when a reload failed.
    this.names = {
      agencies: agencies.size ? agencies : this.names.agencies,
      units: communes.size ? communes : this.names.units,
    };
    this.renderTable();
  }

  /** Loads the list the first time the view opens. */
  show(): void {
    if (!this.loaded) {
      void this.load();
    }
  }

  /** Forgets the list, for example after logout. */
  reset(): void {
    this.users = [];
    this.loaded = false;
    this.body.replaceChildren();
    showError(byId('users-error'), null);
    byId('users-notice').textContent = '';
    if (this.dialog.open) {
      this.dialog.close();
    }
  }

  refreshLanguage(): void {
    this.renderTable();
    if (this.dialog.open) {
      this.readDrafts();
      this.renderDialogTexts();
      this.renderGrantRows();
    }
  }

  async load(): Promise<void> {
    const view = byId('view-users');
    view.dataset.state = 'loading';
    try {
      const response = await this.api.users();
      this.users = [...response.users].sort((a, b) => a.username.localeCompare(b.username));
      this.loaded = true;
      showError(byId('users-error'), null);
      this.renderTable();
      view.dataset.state = 'ready';
    } catch (error) {
      view.dataset.state = 'error';
      if (isSessionLost(error)) {
        this.callbacks.onSessionLost();
        return;
      }
      showError(byId('users-error'), this.translator.t('load-failed', { message: messageOf(error) }));
    }
  }

  private renderTable(): void {
    if (!this.loaded) {
      return;
    }
    const t = this.translator;
    if (this.users.length === 0) {
      this.body.replaceChildren(
        el('tr', {}, [el('td', { className: 'placeholder', text: t.t('users-empty'), attrs: { colspan: '6' } })]),
      );
      return;
    }
    const now = Date.now();
    const rows = this.users.map((user) => {
      const grants = el(
        'ul',
        { className: 'grant-list' },
        user.grants.map((grant) => el('li', { text: grantLabel(grant, t, this.names) })),
      );
      const edit = el('button', {
        className: 'button button-small',
        text: t.t('users-edit'),
        attrs: { type: 'button', 'aria-label': t.t('users-edit-named', { username: user.username }) },
      });
      edit.addEventListener('click', () => this.openEdit(user));
      return el('tr', { attrs: { 'data-user': user.username } }, [
        el('td', { className: 'mono', text: user.username }),
        el('td', { text: user.display_name }),
        el('td', {}, [grants]),
        el('td', {}, [this.twoFactorBadge(user)]),
        el('td', {}, this.stateBadges(user, now)),
        el('td', { className: 'actions' }, [edit]),
      ]);
    });
    this.body.replaceChildren(...rows);
  }

  private twoFactorBadge(user: UserView): HTMLElement {
    const t = this.translator;
    if (user.two_factor_enabled) {
      return el('span', { className: 'badge badge-fresh', text: t.t('users-2fa-on'), attrs: { 'data-2fa': 'on' } });
    }
    const required = user.grants.some((grant) => roleNeedsTwoFactor(grant.role));
    return el('span', {
      className: required ? 'badge badge-stale' : 'badge badge-never',
      text: t.t(required ? 'users-2fa-pending' : 'users-2fa-off'),
      attrs: { 'data-2fa': required ? 'pending' : 'off' },
    });
  }

  private stateBadges(user: UserView, now: number): (HTMLElement | string)[] {
    const t = this.translator;
    const badges: (HTMLElement | string)[] = [];
    if (user.disabled) {
      badges.push(el('span', { className: 'badge badge-never', text: t.t('users-state-disabled'), attrs: { 'data-state': 'disabled' } }));
    } else if (isLocked(user, now)) {
      badges.push(
        el('span', {
          className: 'badge badge-error',
          text: t.t('users-state-locked', { until: formatDateTime(user.locked_until) }),
          attrs: { 'data-state': 'locked' },
        }),
      );
    } else {
      badges.push(el('span', { className: 'badge badge-fresh', text: t.t('users-state-active'), attrs: { 'data-state': 'active' } }));
    }
    if (user.failed_logins > 0) {
      badges.push(' ', el('span', { className: 'cell-note', text: t.t('users-failed-logins', { count: user.failed_logins }) }));
    }
    return badges;
  }

  private openCreate(): void {
    this.editing = null;
    this.drafts = [{ role: '', agency: '', unit: '' }];
    this.openDialog();
  }

  private openEdit(user: UserView): void {
    this.editing = user;
    this.drafts = user.grants.map(draftOf);
    this.openDialog();
  }

  private openDialog(): void {
    const user = this.editing;
    this.form.reset();
    clearProblems(this.form);
    showError(byId('user-form-error'), null);
    const username = byId<HTMLInputElement>('user-username');
    username.value = user?.username ?? '';
    username.readOnly = user !== null;
    byId<HTMLInputElement>('user-display-name').value = user?.display_name ?? '';
    byId<HTMLInputElement>('user-disabled').checked = user?.disabled ?? false;
    this.renderDialogTexts();
    this.renderGrantRows();
    this.dialog.showModal();
    byId<HTMLInputElement>(user ? 'user-display-name' : 'user-username').focus();
  }

  /** Texts of the dialog that depend on whether it creates or edits, and on the account. */
  private renderDialogTexts(): void {
    const t = this.translator;
    const user = this.editing;
    const creating = user === null;
    byId('user-dialog-title').textContent = creating ? t.t('user-create-title') : t.t('user-edit-title', { username: user.username });
    byId('user-submit').textContent = t.t(creating ? 'user-create-submit' : 'user-save-submit');
    byId('user-password-label').textContent = t.t(creating ? 'user-password' : 'user-new-password');
    byId('user-username-hint').hidden = !creating;
    byId('user-password-keep').hidden = creating;
    byId('user-state-fields').hidden = creating;
    byId('user-sessions-note').hidden = creating;
    if (!user) {
      return;
    }
    const self = user.id === this.callbacks.currentUserId();
    const disabled = byId<HTMLInputElement>('user-disabled');
    disabled.disabled = self && !user.disabled;
    byId('user-disabled-self').hidden = !self;
    const locked = isLocked(user, Date.now()) || user.failed_logins > 0;
    byId('user-unlock-field').hidden = !locked;
    byId('user-unlock-detail').textContent = locked
      ? isLocked(user, Date.now())
        ? t.t('users-state-locked', { until: formatDateTime(user.locked_until) })
        : t.t('users-failed-logins', { count: user.failed_logins })
      : '';
    byId('user-reset-2fa-field').hidden = !user.two_factor_enabled;
  }

  /** Copies the grant pickers into `drafts`. */
  private readDrafts(): void {
    this.drafts = this.drafts.map((draft, index) => ({
      role: this.form.querySelector(`[data-field="grant-${index}-role"]`) ? inputValue(this.form, `grant-${index}-role`) : draft.role,
      agency: this.form.querySelector(`[data-field="grant-${index}-agency"]`) ? inputValue(this.form, `grant-${index}-agency`) : draft.agency,
      unit: this.form.querySelector(`[data-field="grant-${index}-unit"]`) ? inputValue(this.form, `grant-${index}-unit`) : draft.unit,
    }));
  }

  private renderGrantRows(): void {
    const t = this.translator;
    const container = byId('grant-rows');
    const rows = this.drafts.map((draft, index) => {
      const role = el('select', { attrs: { 'data-field': `grant-${index}-role`, id: `grant-${index}-role` } }, [
        el('option', { text: t.t('user-role-choose'), attrs: { value: '' } }),
        ...ROLES.map((value) => el('option', { text: roleLabel(value, t), attrs: { value } })),
      ]);
      role.value = draft.role;
      role.addEventListener('change', () => {
        this.readDrafts();
        const current = this.drafts[index];
        if (current) {
          // A scope that the new role does not use is dropped.
          if (!roleNeedsAgency(current.role)) {
            current.agency = '';
          }
          if (!roleNeedsUnit(current.role)) {
            current.unit = '';
          }
        }
        this.renderGrantRows();
        this.form.querySelector<HTMLSelectElement>(`[data-field="grant-${index}-role"]`)?.focus();
      });
      const fields: HTMLElement[] = [
        el('div', { className: 'form-field' }, [
          el('label', { text: t.t('user-role'), attrs: { for: `grant-${index}-role` } }),
          role,
          el('p', { className: 'field-error', attrs: { 'data-error-for': `grant-${index}-role`, hidden: '' } }),
        ]),
      ];
      if (roleNeedsAgency(draft.role) || draft.agency) {
        fields.push(this.scopePicker(index, 'agency', draft.agency, this.names.agencies, 'user-agency', 'user-agency-choose'));
      }
      if (roleNeedsUnit(draft.role) || draft.unit) {
        fields.push(this.scopePicker(index, 'unit', draft.unit, this.names.units, 'user-unit', 'user-unit-choose'));
      }
      const remove = el('button', {
        className: 'button button-small',
        text: t.t('user-role-remove'),
        attrs: { type: 'button' },
      });
      remove.addEventListener('click', () => {
        this.readDrafts();
        this.drafts.splice(index, 1);
        this.renderGrantRows();
      });
      remove.hidden = this.drafts.length < 2;
      return el('div', { className: 'grant-row', attrs: { 'data-grant': String(index) } }, [...fields, remove]);
    });
    container.replaceChildren(...rows);
  }

  private scopePicker(
    index: number,
    kind: 'agency' | 'unit',
    value: string,
    names: ReadonlyMap<string, string>,
    labelId: string,
    chooseId: string,
  ): HTMLElement {
    const t = this.translator;
    const field = `grant-${index}-${kind}`;
    const options = sortedByName(names, localeTag(t.lang)).map(([code, name]) => el('option', { text: name, attrs: { value: code } }));
    // A scope set elsewhere, with a code this page has no name for, stays selectable.
    if (value && !names.has(value)) {
      options.unshift(el('option', { text: value, attrs: { value } }));
    }
    const select = el('select', { attrs: { 'data-field': field, id: field } }, [
      el('option', { text: t.t(chooseId), attrs: { value: '' } }),
      ...options,
    ]);
    select.value = value;
    return el('div', { className: 'form-field' }, [
      el('label', { text: t.t(labelId), attrs: { for: field } }),
      select,
      el('p', { className: 'field-error', attrs: { 'data-error-for': field, hidden: '' } }),
    ]);
  }

  private async submit(): Promise<void> {
    this.readDrafts();
    const user = this.editing;
    const formError = byId('user-form-error');
    showError(formError, null);
    const password = inputValue(this.form, 'password');
    const passwordConfirm = inputValue(this.form, 'password-confirm');
    const displayName = inputValue(this.form, 'display-name');
    setBusy(this.form, true);
    try {
      if (user) {
        const draft = {
          displayName,
          password,
          passwordConfirm,
          grants: this.drafts,
          disabled: byId<HTMLInputElement>('user-disabled').checked,
          unlock: byId<HTMLInputElement>('user-unlock').checked,
          resetTwoFactor: byId<HTMLInputElement>('user-reset-2fa').checked,
        };
        if (showProblems(this.form, userEditProblems(user, draft), this.translator)) {
          return;
        }
        const patch = userPatchOf(user, draft);
        if (!patch) {
          this.dialog.close();
          return;
        }
        await this.api.updateUser(user.id, patch);
        this.dialog.close();
        this.notice(this.translator.t('user-saved', { username: user.username }));
        if (user.id === this.callbacks.currentUserId() && patchEndsSessions(patch)) {
          // The change ended this session too.
          this.callbacks.onSessionLost();
          return;
        }
      } else {
        const draft = { username: inputValue(this.form, 'username'), displayName, password, passwordConfirm, grants: this.drafts };
        if (showProblems(this.form, newUserProblems(draft), this.translator)) {
          return;
        }
        const created = await this.api.createUser({
          username: normalizeUsername(draft.username),
          display_name: displayName.trim(),
          password,
          grants: this.drafts.map(grantBodyOf),
        });
        this.dialog.close();
        this.notice(this.translator.t('user-created', { username: created.username }));
      }
      await this.load();
    } catch (error) {
      if (isSessionLost(error)) {
        this.dialog.close();
        this.callbacks.onSessionLost();
        return;
      }
      const field = this.fieldOfError(error);
      if (field) {
        showProblems(this.form, [field], this.translator);
      }
      showError(formError, messageOf(error));
    } finally {
      setBusy(this.form, false);
    }
  }

  /** Returns the form field that a server error concerns, when the error code identifies it. */
  private fieldOfError(error: unknown): FieldProblem | null {
    if (!(error instanceof ApiError)) {
      return null;
    }
    if (error.code === 'WEAK_PASSWORD') {
      return { field: 'password', message: 'validation-password-rejected' };
    }
    if (error.code === 'ALREADY_EXISTS' && !this.editing) {
      return { field: 'username', message: 'validation-username-taken' };
    }
    return null;
  }

  private notice(message: string): void {
    byId('users-notice').textContent = message;
  }
}
