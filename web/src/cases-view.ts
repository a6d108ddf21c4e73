// The staff screens of citizen reports: the operators' list with each case's detail and
// steps (read-only for leaders), the officers' list of the cases given to their agency or
// commune, the form for reports taken by phone, and the overdue list with the statistics.

import { ApiError, type ApiClient } from './api';
import { isSessionLost } from './account';
import {
  CASE_STATES,
  MAX_ANSWER_PHOTOS,
  actionProblems,
  actionsFor,
  applyOverdueFilter,
  canMerge,
  caseListUrl,
  deadlineBadge,
  eventIsDirect,
  eventPath,
  hasImageSignature,
  phoneReportBody,
  phoneReportProblems,
  photoProblem,
  toBase64,
  type CaseEvent,
  type CaseFilterDraft,
  type CaseMode,
} from './cases';
import { confirmAction } from './confirm';
import { byId, el, showError } from './dom';
import { MISSING, formatDateTime, formatNumber, vnDateOf } from './format';
import { clearProblems, inputValue, setBusy, showProblems } from './form';
import type { Translator } from './i18n';
import type {
  AdminUnit,
  AgencyView,
  CaseDetail,
  CaseEventBody,
  CaseService,
  CaseStatistics,
  CaseStatisticsRow,
  CaseView,
  OverdueList,
} from './types';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Categories, communes and agencies, loaded once for every case screen. */
export class CaseReference {
  private readonly api: ApiClient;
  private loading: Promise<void> | null = null;
  services: CaseService[] = [];
  communes: AdminUnit[] = [];
  agencies: AgencyView[] = [];

  constructor(api: ApiClient) {
    this.api = api;
  }

  load(): Promise<void> {
    this.loading ??= (async () => {
      const today = vnDateOf(new Date()) ?? undefined;
      const [services, units, agencies] = await Promise.all([
        this.api.caseServices(),
        this.api.units(today),
        this.api.agencies(),
      ]);
      this.services = services;
      const collator = new Intl.Collator('vi');
      this.communes = units.units.filter((unit) => unit.level === 'commune').sort((a, b) => collator.compare(a.name, b.name));
      this.agencies = agencies.agencies;
    })().catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    return this.loading;
  }

  serviceName(service: CaseService, lang: string): string {
    return lang === 'en' && service.haidang_service_name_en ? service.haidang_service_name_en : service.service_name;
  }

  communeName(code: string): string | null {
    return this.communes.find((unit) => unit.code === code)?.name ?? null;
  }
}

function option(value: string, text: string, selected = false): HTMLOptionElement {
  const item = el('option', { text, attrs: { value } });
  item.selected = selected;
  return item;
}

function fillSelect(select: HTMLSelectElement, options: HTMLOptionElement[]): void {
  const current = select.value;
  select.replaceChildren(...options);
  if ([...select.options].some((item) => item.value === current)) {
    select.value = current;
  }
}

export interface CaseWorkCallbacks {
  onSessionLost(): void;
}

/** The list of cases with filters, and the detail of the selected case with its steps. */
export class CaseWorkView {
  private readonly api: ApiClient;
  private readonly translator: Translator;
  private readonly reference: CaseReference;
  private readonly callbacks: CaseWorkCallbacks;
  private readonly root: HTMLElement;
  private readonly prefix: string;
  mode: CaseMode;
  private cases: CaseView[] = [];
  private detail: CaseDetail | null = null;
  private duplicates: CaseView[] = [];
  private reporterShown: Record<string, string | null> | null = null;
  private loaded = false;
  private pendingEvent: CaseEvent | null = null;

  private readonly filterForm: HTMLFormElement;
  private readonly listBody: HTMLTableSectionElement;
  private readonly detailBox: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly error: HTMLElement;

  constructor(root: HTMLElement, mode: CaseMode, api: ApiClient, translator: Translator, reference: CaseReference, callbacks: CaseWorkCallbacks) {
    this.root = root;
    this.mode = mode;
    this.api = api;
    this.translator = translator;
    this.reference = reference;
    this.callbacks = callbacks;
    this.prefix = root.id;
    this.filterForm = root.querySelector<HTMLFormElement>('.case-filters')!;
    this.listBody = root.querySelector<HTMLTableSectionElement>('.case-list-body')!;
    this.detailBox = root.querySelector<HTMLElement>('.case-detail')!;
    this.notice = root.querySelector<HTMLElement>('.form-notice')!;
    this.error = root.querySelector<HTMLElement>('.panel-error')!;
    root.querySelector('.case-refresh')?.addEventListener('click', () => void this.load());
    this.filterForm.addEventListener('change', () => void this.load());
    this.filterForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.load();
    });
  }

  setMode(mode: CaseMode): void {
    if (mode !== this.mode) {
      this.mode = mode;
      this.renderDetail();
    }
    this.root.dataset.mode = mode;
    for (const item of this.root.querySelectorAll<HTMLElement>('[data-dispatch-only]')) {
      item.hidden = mode !== 'dispatch';
    }
  }

  show(): void {
    if (!this.loaded) {
      void this.load();
    }
  }

  reset(): void {
    this.cases = [];
    this.detail = null;
    this.duplicates = [];
    this.reporterShown = null;
    this.loaded = false;
    this.listBody.replaceChildren();
    this.detailBox.replaceChildren();
    this.notice.textContent = '';
    showError(this.error, null);
  }

  refreshLanguage(): void {
    this.renderFilters();
    this.renderList();
    this.renderDetail();
  }

  private filter(): CaseFilterDraft {
    return {
      state: inputValue(this.filterForm, 'state'),
      category: inputValue(this.filterForm, 'category'),
      commune: inputValue(this.filterForm, 'commune'),
      overdueOnly: this.filterForm.querySelector<HTMLInputElement>('[data-field="overdue"]')?.checked ?? false,
      text: inputValue(this.filterForm, 'q'),
    };
  }

  private renderFilters(): void {
    const t = this.translator;
    const states = this.filterForm.querySelector<HTMLSelectElement>('[data-field="state"]')!;
    fillSelect(states, [
      option('', t.t('case-filter-all')),
      option('open', t.t('case-filter-open')),
      ...CASE_STATES.map((state) => option(state, t.t('case-state', { state }))),
    ]);
    const categories = this.filterForm.querySelector<HTMLSelectElement>('[data-field="category"]')!;
    fillSelect(categories, [
      option('', t.t('case-filter-all')),
      ...this.reference.services.map((service) => option(service.service_code, this.reference.serviceName(service, t.lang))),
    ]);
    const communes = this.filterForm.querySelector<HTMLSelectElement>('[data-field="commune"]')!;
    fillSelect(communes, [option('', t.t('case-filter-all')), ...this.reference.communes.map((unit) => option(unit.code, unit.name))]);
  }

  async load(): Promise<void> {
    this.root.dataset.state = 'loading';
    try {
      await this.reference.load();
      this.renderFilters();
      const filter = this.filter();
      const answer = await this.api.cases(caseListUrl(filter));
      this.cases = applyOverdueFilter(answer.cases, filter.overdueOnly);
      this.loaded = true;
      showError(this.error, null);
      this.renderList();
      if (this.detail) {
        await this.select(this.detail.id, false);
      }
      this.root.dataset.state = 'ready';
    } catch (error) {
      this.root.dataset.state = 'error';
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (isSessionLost(error)) {
      this.callbacks.onSessionLost();
      return;
    }
    showError(this.error, this.translator.t('load-failed', { message: messageOf(error) }));
  }

  private renderList(): void {
    if (!this.loaded) {
      return;
    }
    const t = this.translator;
    if (this.cases.length === 0) {
      this.listBody.replaceChildren(
        el('tr', {}, [el('td', { className: 'placeholder', text: t.t('case-list-empty'), attrs: { colspan: '6' } })]),
      );
      return;
    }
    this.listBody.replaceChildren(
      ...this.cases.map((item) => {
        const open = el('button', {
          className: 'link-button case-open',
          text: t.t('case-number', { id: item.id }),
          attrs: { type: 'button', 'data-case-id': String(item.id) },
        });
        open.addEventListener('click', () => void this.select(item.id, true));
        const row = el('tr', { attrs: { 'data-case-id': String(item.id) } }, [
          el('td', { className: 'nowrap' }, [open]),
          el('td', { className: 'nowrap', text: formatDateTime(item.received_at) }),
          el('td', {}, [
            el('span', { text: item.category_name }),
            el('span', { className: 'cell-note', text: item.commune_name ?? MISSING }),
          ]),
          el('td', { text: item.agency_name ?? MISSING }),
          el('td', {}, [el('span', { className: 'badge badge-state', text: t.t('case-state', { state: item.state }) })]),
          el('td', { className: 'nowrap' }, [
            el('span', { text: formatDateTime(item.deadline) }),
            ...(item.deadline_status
              ? [el('span', { className: `badge ${deadlineBadge(item.deadline_status)}`, text: t.t('case-deadline-status', { status: item.deadline_status }) })]
              : []),
          ]),
        ]);
        if (this.detail?.id === item.id) {
          row.setAttribute('aria-selected', 'true');
        }
        return row;
      }),
    );
  }

  /** Opens the detail of a case, with its duplicates for the operator. */
  async select(id: number, focus: boolean): Promise<void> {
    try {
      const [detail, duplicates] = await Promise.all([
        this.api.caseDetail(id),
        this.mode === 'dispatch' ? this.api.caseDuplicates(id).then((list) => list.cases).catch(() => []) : Promise.resolve([]),
      ]);
      if (this.detail?.id !== id) {
        this.reporterShown = null;
      }
      this.detail = detail;
      this.duplicates = duplicates;
      this.renderList();
      this.renderDetail();
      if (focus) {
        this.detailBox.querySelector<HTMLElement>('h3')?.focus();
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private renderDetail(): void {
    const item = this.detail;
    const t = this.translator;
    if (!item) {
      this.detailBox.replaceChildren(el('p', { className: 'placeholder', text: t.t('case-detail-none') }));
      return;
    }
    const facts: [string, string | Node][] = [
      ['case-field-category', item.category_name],
      ['case-field-channel', t.t('case-channel', { channel: item.channel })],
      ['case-field-received', formatDateTime(item.received_at)],
      ['case-field-commune', item.commune_name ?? MISSING],
      ['case-field-agency', item.agency_name ?? MISSING],
      ['case-field-address', item.address ?? MISSING],
      ['case-field-location', item.lat !== null && item.lon !== null ? `${formatNumber(item.lat, t.lang, 5)}; ${formatNumber(item.lon, t.lang, 5)}` : MISSING],
      ['case-field-deadline', this.deadlineNode(item)],
    ];
    if (item.resolved_at) {
      facts.push(['case-field-resolved', formatDateTime(item.resolved_at)]);
    }
    if (item.answer) {
      facts.push(['case-field-answer', item.answer]);
    }
    if (item.status_note) {
      facts.push(['case-field-status-note', item.status_note]);
    }
    if (item.rating !== null) {
      facts.push(['case-field-rating', `${item.rating}/5`]);
    }
    const list = el(
      'dl',
      { className: 'case-facts' },
      facts.flatMap(([label, value]) => [el('dt', { text: t.t(label) }), el('dd', {}, [value])]),
    );
    const heading = el('h3', { text: t.t('case-number', { id: item.id }), attrs: { tabindex: '-1' } });
    const badges = el('p', { className: 'case-badges' }, [
      el('span', { className: 'badge badge-state', text: t.t('case-state', { state: item.state }) }),
      ...(item.simulated ? [el('span', { className: 'badge badge-simulated', text: t.t('simulated-data') })] : []),
    ]);
    const parts: Node[] = [
      heading,
      badges,
      el('p', { className: 'case-description', text: item.description }),
      list,
    ];
    parts.push(this.actionsNode(item));
    if (this.mode !== 'handle' && item.reporter) {
      parts.push(this.reporterNode(item));
    }
    if (item.media.length) {
      parts.push(
        el('h4', { text: t.t('case-photos') }),
        el(
          'div',
          { className: 'case-photos' },
          item.media.map((media) =>
            el('a', { attrs: { href: media.url, target: '_blank', rel: 'noopener' } }, [
              el('img', { attrs: { src: media.url, alt: t.t('case-photo-alt', { purpose: media.purpose }), loading: 'lazy' } }),
            ]),
          ),
        ),
      );
    }
    if (this.mode === 'dispatch' && this.duplicates.length) {
      parts.push(this.duplicatesNode(item));
    }
    parts.push(el('h4', { text: t.t('case-history') }), this.historyNode(item));
    this.detailBox.replaceChildren(...parts);
    this.detailBox.dataset.caseId = String(item.id);
    this.detailBox.dataset.caseState = item.state;
  }

  private deadlineNode(item: CaseView): Node {
    const t = this.translator;
    const box = el('span', {}, [el('span', { text: formatDateTime(item.deadline) })]);
    if (item.deadline_status) {
      box.append(
        ' ',
        el('span', {
          className: `badge ${deadlineBadge(item.deadline_status)} case-timeliness`,
          text: t.t('case-deadline-status', { status: item.deadline_status }),
        }),
      );
    }
    if (item.extension_approved || item.original_deadline !== item.deadline) {
      box.append(el('span', { className: 'cell-note', text: t.t('case-original-deadline', { date: formatDateTime(item.original_deadline) }) }));
    }
    return box;
  }

  private actionsNode(item: CaseDetail): Node {
    const t = this.translator;
    const events = actionsFor(this.mode, item.allowed_events);
    const box = el('div', { className: 'case-actions' });
    if (this.mode === 'read') {
      box.append(el('p', { className: 'panel-note', text: t.t('case-read-only') }));
      return box;
    }
    if (events.length === 0) {
      box.append(el('p', { className: 'panel-note', text: t.t('case-no-actions') }));
      return box;
    }
    for (const event of events) {
      const primary = ['accept', 'assign', 'resolve', 'publish', 'start'].includes(event);
      const button = el('button', {
        className: `button${primary ? ' button-primary' : ''}`,
        text: t.t('case-action', { event }),
        attrs: { type: 'button', 'data-event': event },
      });
      button.addEventListener('click', () => void this.startEvent(event));
      box.append(button);
    }
    return box;
  }

  private reporterNode(item: CaseDetail): Node {
    const t = this.translator;
    const shown = this.reporterShown;
    const reporter = shown ?? item.reporter;
    const rows: [string, string | null | undefined][] = [
      ['case-reporter-name', reporter?.name],
      ['case-reporter-phone', reporter?.phone],
      ['case-reporter-email', reporter?.email],
      ['case-reporter-address', reporter?.address],
    ];
    const box = el('section', { className: 'case-reporter', attrs: { 'data-masked': String(!shown) } }, [
      el('h4', { text: t.t(shown ? 'case-reporter-full' : 'case-reporter-masked') }),
      el(
        'dl',
        { className: 'case-facts' },
        rows.flatMap(([label, value]) => [el('dt', { text: t.t(label) }), el('dd', { text: value ?? MISSING })]),
      ),
    ]);
    if (!shown && this.mode === 'dispatch') {
      const button = el('button', {
        className: 'button button-small case-reporter-open',
        text: t.t('case-reporter-reveal'),
        attrs: { type: 'button' },
      });
      button.addEventListener('click', () => this.openPurposeDialog());
      box.append(button, el('p', { className: 'form-hint', text: t.t('case-reporter-audited') }));
    }
    return box;
  }

  private duplicatesNode(item: CaseDetail): Node {
    const t = this.translator;
    const merge = canMerge(this.mode, item.allowed_events);
    return el('section', { className: 'case-duplicates' }, [
      el('h4', { text: t.t('case-duplicates') }),
      el(
        'ul',
        {},
        this.duplicates.map((other) => {
          const children: (Node | string)[] = [
            el('strong', { text: t.t('case-number', { id: other.id }) }),
            ` · ${formatDateTime(other.received_at)} · ${t.t('case-state', { state: other.state })} · ${other.description}`,
          ];
          if (merge) {
            const button = el('button', {
              className: 'button button-small',
              text: t.t('case-merge-into', { id: other.id }),
              attrs: { type: 'button', 'data-merge-into': String(other.id) },
            });
            button.addEventListener('click', () => void this.merge(item.id, other.id));
            children.push(' ', button);
          }
          return el('li', {}, children);
        }),
      ),
    ]);
  }

  private historyNode(item: CaseDetail): Node {
    const t = this.translator;
    const rows = item.history.map((entry) =>
      el('tr', {}, [
        el('td', { className: 'nowrap', text: formatDateTime(entry.at) }),
        el('td', { text: t.t('case-event', { event: entry.event }) }),
        el('td', { text: t.t('case-state', { state: entry.to_state }) }),
        el('td', { text: `${entry.actor_name} (${t.t('case-party', { party: entry.party })})` }),
        el('td', { text: entry.note ?? '' }),
      ]),
    );
    return el('div', { className: 'table-scroll' }, [
      el('table', { className: 'data-table case-history' }, [
        el('thead', {}, [
          el('tr', {}, ['case-history-time', 'case-history-event', 'case-history-state', 'case-history-actor', 'case-history-note'].map((id) => el('th', { text: t.t(id), attrs: { scope: 'col' } }))),
        ]),
        el('tbody', {}, rows),
      ]),
    ]);
  }

  private async merge(id: number, into: number): Promise<void> {
    const t = this.translator;
    if (!(await confirmAction(t.t('case-merge-confirm', { id, into }), t.t('case-action', { event: 'merge' })))) {
      return;
    }
    await this.send(id, { event: 'merge', into });
  }

  private async startEvent(event: CaseEvent): Promise<void> {
    const item = this.detail;
    if (!item) {
      return;
    }
    if (eventIsDirect(event)) {
      await this.send(item.id, { event });
      return;
    }
    this.openActionDialog(event);
  }

  /** Sends a step; shows the server's message (such as a 409 ILLEGAL_TRANSITION) as it comes. */
  private async send(id: number, body: CaseEventBody, dialogError?: HTMLElement): Promise<boolean> {
    const t = this.translator;
    const path = eventPath(body.event as CaseEvent);
    const detailError = this.root.querySelector<HTMLElement>('.case-action-error')!;
    showError(detailError, null);
    try {
      const updated = await this.api.caseStep(id, path, body);
      this.notice.textContent = t.t('case-step-done', { id, state: t.t('case-state', { state: updated.state }) });
      await this.load();
      await this.select(body.event === 'merge' && body.into ? body.into : id, false);
      return true;
    } catch (error) {
      if (isSessionLost(error)) {
        this.callbacks.onSessionLost();
        return false;
      }
      showError(dialogError ?? detailError, messageOf(error));
      if (error instanceof ApiError && error.code === 'ILLEGAL_TRANSITION' && !dialogError) {
        // The case moved on meanwhile: show it as it is now.
        await this.select(id, false);
        showError(detailError, messageOf(error));
      }
      return false;
    }
  }

  private openActionDialog(event: CaseEvent): void {
    const t = this.translator;
    const dialog = byId<HTMLDialogElement>('case-action-dialog');
    const form = byId<HTMLFormElement>('case-action-form');
    form.reset();
    clearProblems(form);
    showError(byId('case-action-form-error'), null);
    this.pendingEvent = event;
    byId('case-action-title').textContent = t.t('case-action-title', { event, id: this.detail?.id ?? 0 });
    byId('case-action-submit').textContent = t.t('case-action', { event });
    const show = (id: string, visible: boolean) => {
      byId(id).hidden = !visible;
    };
    show('case-action-note-field', event !== 'assign');
    let noteLabel = 'case-reason';
    if (event === 'resolve') {
      noteLabel = 'case-answer';
    } else if (event === 'assign') {
      noteLabel = 'case-note';
    }
    byId('case-action-note-label').textContent = t.t(noteLabel);
    show('case-action-agency-field', event === 'assign');
    show('case-action-commune-field', event === 'assign');
    show('case-action-days-field', event === 'request_extension');
    show('case-action-photos-field', event === 'resolve');
    if (event === 'assign') {
      const agency = byId<HTMLSelectElement>('case-action-agency');
      fillSelect(agency, [option('', t.t('case-keep')), ...this.reference.agencies.map((item) => option(item.key, item.name))]);
      agency.value = this.detail?.agency ?? '';
      const commune = byId<HTMLSelectElement>('case-action-commune');
      fillSelect(commune, [option('', t.t('case-keep')), ...this.reference.communes.map((unit) => option(unit.code, unit.name))]);
      commune.value = this.detail?.commune_code ?? '';
    }
    dialog.showModal();
    const first = event === 'assign' ? 'case-action-agency' : 'case-action-note';
    byId(first).focus();
  }

  /** Submits the step form of this view; called by the shared dialog. */
  async submitAction(): Promise<void> {
    const event = this.pendingEvent;
    const item = this.detail;
    const form = byId<HTMLFormElement>('case-action-form');
    const formError = byId('case-action-form-error');
    if (!event || !item) {
      return;
    }
    const draft = {
      note: inputValue(form, 'note'),
      agency: inputValue(form, 'agency'),
      commune: inputValue(form, 'commune'),
      extraDays: inputValue(form, 'extra-days'),
    };
    showError(formError, null);
    if (showProblems(form, actionProblems(event, draft), this.translator)) {
      return;
    }
    const body: CaseEventBody = { event };
    if (draft.note.trim()) {
      body.note = draft.note.trim();
    }
    if (event === 'assign') {
      if (draft.agency) {
        body.agency = draft.agency;
      }
      if (draft.commune) {
        body.commune = draft.commune;
      }
    }
    if (event === 'request_extension') {
      body.extra_days = Number(draft.extraDays);
    }
    setBusy(form, true);
    try {
      if (event === 'resolve') {
        const photos = await this.readPhotos(form);
        if (photos === null) {
          return;
        }
        if (photos.length) {
          body.photos = photos;
        }
      }
      if (await this.send(item.id, body, formError)) {
        byId<HTMLDialogElement>('case-action-dialog').close();
      }
    } finally {
      setBusy(form, false);
    }
  }

  /** Reads the chosen photos as base64, after checking type, size and first bytes; null when one is refused. */
  private async readPhotos(form: HTMLFormElement): Promise<{ data: string }[] | null> {
    const input = byId<HTMLInputElement>('case-action-photos');
    const files = [...(input.files ?? [])];
    const t = this.translator;
    if (files.length > MAX_ANSWER_PHOTOS) {
      showProblems(form, [{ field: 'photos', message: 'case-photo-count' }], t);
      return null;
    }
    const photos: { data: string }[] = [];
    for (const file of files) {
      const problem = photoProblem(file);
      const bytes = problem ? null : new Uint8Array(await file.arrayBuffer());
      if (problem || !bytes || !hasImageSignature(bytes)) {
        showProblems(form, [{ field: 'photos', message: problem ?? 'case-photo-type' }], t);
        return null;
      }
      photos.push({ data: toBase64(bytes) });
    }
    return photos;
  }

  private openPurposeDialog(): void {
    const dialog = byId<HTMLDialogElement>('case-purpose-dialog');
    const form = byId<HTMLFormElement>('case-purpose-form');
    form.reset();
    clearProblems(form);
    showError(byId('case-purpose-error'), null);
    dialog.showModal();
    byId('case-purpose').focus();
  }

  /** Reads the reporter's full contact with the stated purpose; called by the shared dialog. */
  async submitPurpose(): Promise<void> {
    const item = this.detail;
    const form = byId<HTMLFormElement>('case-purpose-form');
    if (!item) {
      return;
    }
    const purpose = inputValue(form, 'purpose').trim();
    if (showProblems(form, purpose ? [] : [{ field: 'purpose', message: 'case-validation-purpose' }], this.translator)) {
      return;
    }
    setBusy(form, true);
    try {
      const contact = await this.api.caseReporter(item.id, purpose);
      this.reporterShown = { ...contact };
      byId<HTMLDialogElement>('case-purpose-dialog').close();
      this.renderDetail();
    } catch (error) {
      if (isSessionLost(error)) {
        this.callbacks.onSessionLost();
        return;
      }
      showError(byId('case-purpose-error'), messageOf(error));
    } finally {
      setBusy(form, false);
    }
  }

  openPhoneDialog(): void {
    const t = this.translator;
    const dialog = byId<HTMLDialogElement>('case-phone-dialog');
    const form = byId<HTMLFormElement>('case-phone-form');
    form.reset();
    clearProblems(form);
    showError(byId('case-phone-error'), null);
    fillSelect(byId<HTMLSelectElement>('case-phone-category'), [
      option('', t.t('case-choose')),
      ...this.reference.services.map((service) => option(service.service_code, this.reference.serviceName(service, t.lang))),
    ]);
    fillSelect(byId<HTMLSelectElement>('case-phone-commune'), [
      option('', t.t('case-choose')),
      ...this.reference.communes.map((unit) => option(unit.code, unit.name)),
    ]);
    dialog.showModal();
    byId('case-phone-category').focus();
  }

  async submitPhoneReport(): Promise<void> {
    const form = byId<HTMLFormElement>('case-phone-form');
    const draft = {
      category: inputValue(form, 'category'),
      description: byId<HTMLTextAreaElement>('case-phone-description').value,
      commune: inputValue(form, 'commune'),
      lat: inputValue(form, 'lat'),
      lon: inputValue(form, 'lon'),
      address: inputValue(form, 'address'),
      name: inputValue(form, 'name'),
      phone: inputValue(form, 'phone'),
    };
    showError(byId('case-phone-error'), null);
    if (showProblems(form, phoneReportProblems(draft), this.translator)) {
      return;
    }
    setBusy(form, true);
    try {
      const created = await this.api.createCase(phoneReportBody(draft, this.reference.communeName(draft.commune)));
      byId<HTMLDialogElement>('case-phone-dialog').close();
      this.notice.textContent = this.translator.t('case-phone-created', { id: created.id, token: created.token });
      await this.load();
      await this.select(created.id, true);
    } catch (error) {
      if (isSessionLost(error)) {
        this.callbacks.onSessionLost();
        return;
      }
      showError(byId('case-phone-error'), messageOf(error));
    } finally {
      setBusy(form, false);
    }
  }
}

/** The overdue list and the handling statistics per agency and per category. */
export class CaseStatsView {
  private readonly api: ApiClient;
  private readonly translator: Translator;
  private readonly onSessionLost: () => void;
  private overdue: OverdueList | null = null;
  private stats: CaseStatistics | null = null;

  constructor(api: ApiClient, translator: Translator, onSessionLost: () => void) {
    this.api = api;
    this.translator = translator;
    this.onSessionLost = onSessionLost;
    byId('case-stats-refresh').addEventListener('click', () => void this.load());
  }

  show(): void {
    void this.load();
  }

  reset(): void {
    this.overdue = null;
    this.stats = null;
    byId('case-overdue-body').replaceChildren();
    byId('case-stats-agency-body').replaceChildren();
    byId('case-stats-category-body').replaceChildren();
  }

  refreshLanguage(): void {
    this.render();
  }

  async load(): Promise<void> {
    const view = byId('view-case-stats');
    view.dataset.state = 'loading';
    try {
      [this.overdue, this.stats] = await Promise.all([this.api.overdueCases(), this.api.caseStatistics()]);
      showError(byId('case-stats-error'), null);
      this.render();
      view.dataset.state = 'ready';
    } catch (error) {
      view.dataset.state = 'error';
      if (isSessionLost(error)) {
        this.onSessionLost();
        return;
      }
      showError(byId('case-stats-error'), this.translator.t('load-failed', { message: messageOf(error) }));
    }
  }

  private render(): void {
    const t = this.translator;
    if (this.overdue) {
      const rows = [...this.overdue.overdue, ...this.overdue.due_soon].map((item) =>
        el('tr', { attrs: { 'data-case-id': String(item.id) } }, [
          el('td', { className: 'nowrap', text: t.t('case-number', { id: item.id }) }),
          el('td', { text: item.category_name }),
          el('td', { text: item.agency_name ?? MISSING }),
          el('td', { text: item.commune_name ?? MISSING }),
          el('td', { text: t.t('case-state', { state: item.state }) }),
          el('td', { className: 'nowrap' }, [
            el('span', { text: formatDateTime(item.deadline) }),
            el('span', { className: `badge ${deadlineBadge(item.deadline_status)}`, text: t.t('case-deadline-status', { status: item.deadline_status ?? 'on_track' }) }),
          ]),
        ]),
      );
      byId('case-overdue-body').replaceChildren(
        ...(rows.length ? rows : [el('tr', {}, [el('td', { className: 'placeholder', text: t.t('case-overdue-empty'), attrs: { colspan: '6' } })])]),
      );
    }
    if (this.stats) {
      byId('case-stats-agency-body').replaceChildren(...this.statRows(this.stats.by_agency));
      byId('case-stats-category-body').replaceChildren(...this.statRows(this.stats.by_category));
      byId('case-stats-as-of').textContent = t.t('case-stats-as-of', {
        date: formatDateTime(this.stats.as_of),
        total: formatNumber(this.stats.total.total, t.lang),
      });
    }
  }

  private statRows(rows: CaseStatisticsRow[]): HTMLTableRowElement[] {
    const lang = this.translator.lang;
    return rows.map((row) => {
      const done = row.on_time + row.late_with_extension + row.late;
      const share = done > 0 ? formatNumber((100 * row.on_time) / done, lang, 1) + ' %' : MISSING;
      return el('tr', {}, [
        el('td', { text: row.name || this.translator.t('case-unassigned') }),
        ...[row.total, row.on_time, row.late_with_extension, row.late, row.open, row.open_overdue].map((value) =>
          el('td', { className: 'numeric', text: formatNumber(value, lang) }),
        ),
        el('td', { className: 'numeric', text: share }),
      ]);
    });
  }
}
