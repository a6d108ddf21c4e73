// Entry point of the Hải Đăng operations page: wires the map, the chart
// panel and the data sources table to the /api/v1 endpoints.

import './styles.css';
import { AccountController } from './account';
import { ApiClient } from './api';
import { ApiKeysAdmin } from './api-keys-admin';
import { AuditView } from './audit-view';
import { ChartPanel } from './chart';
import { dispatchModeOf } from './cases';
import { CaseReference, CaseStatsView, CaseWorkView } from './cases-view';
import { byId, el, showError } from './dom';
import { vnDateOf, formatIsoDate } from './format';
import { Translator, applyTranslations, isLang, readStoredLang, storeLang } from './i18n';
import { MapView } from './map';
import { firstSeriesKey } from './series';
import { renderSourcesTable } from './sources-table';
import type { Entity, Lang, Series, SessionView } from './types';
import { UsersAdmin } from './users-admin';
import { allowedViews, hashOf, resolveView, viewFromHash, type ViewId } from './views';

/** How long a notice under the header stays. */
const NOTICE_MS = 10_000;

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

class App {
  private readonly translator: Translator;
  private readonly api: ApiClient;
  private readonly map: MapView;
  private readonly chart: ChartPanel;
  private readonly account: AccountController;
  private readonly usersAdmin: UsersAdmin;
  private readonly apiKeysAdmin: ApiKeysAdmin;
  private readonly auditView: AuditView;
  private readonly caseWork: CaseWorkView;
  private readonly caseHandling: CaseWorkView;
  private readonly caseStats: CaseStatsView;
  /** The case screen whose dialogs are open. */
  private activeCases: CaseWorkView;
  private series = new Map<string, Series>();
  private view: ViewId = 'dashboard';
  /** True until the session of an earlier login is known, so that a reload keeps the address of a view. */
  private restoring = true;
  /** A view requested before login, opened once a login allows it. */
  private pendingView: ViewId | null = null;
  private noticeTimer: number | undefined;
  /** Increases on every reload so that a slower, older response is dropped. */
  private generation = 0;

  constructor() {
    this.translator = new Translator(readStoredLang(safeStorage()));
    this.api = new ApiClient(() => this.translator.lang);
    this.chart = new ChartPanel(this.translator, this.api);
    this.map = new MapView(byId('map'), byId('map-legend'), this.translator, {
      onSelectEntity: (entity, seriesKey) => this.showEntitySeries(entity, seriesKey),
    });
    for (const button of document.querySelectorAll<HTMLButtonElement>('.lang-button')) {
      button.addEventListener('click', () => {
        const lang = button.dataset.lang;
        if (isLang(lang) && lang !== this.translator.lang) {
          this.setLanguage(lang);
        }
      });
    }

    // The views call back into the account controller, which exists by the time they do.
    const onSessionLost = () => this.account.sessionLost();
    this.usersAdmin = new UsersAdmin(this.api, this.translator, {
      onSessionLost,
      currentUserId: () => this.account.session?.user_id ?? null,
    });
    this.apiKeysAdmin = new ApiKeysAdmin(this.api, this.translator, onSessionLost);
    this.auditView = new AuditView(this.api, this.translator, onSessionLost);
    const caseReference = new CaseReference(this.api);
    this.caseWork = new CaseWorkView(byId('view-cases'), 'read', this.api, this.translator, caseReference, { onSessionLost });
    this.caseHandling = new CaseWorkView(byId('view-my-cases'), 'handle', this.api, this.translator, caseReference, { onSessionLost });
    this.caseStats = new CaseStatsView(this.api, this.translator, onSessionLost);
    this.activeCases = this.caseWork;
    this.wireCaseDialogs();
    this.account = new AccountController(this.api, this.translator, safeStorage(), {
      onSessionChange: (session) => this.onSessionChange(session),
      notify: (message) => this.notify(message),
    });

    window.addEventListener('hashchange', () => {
      // Moving to another view drops a view kept for after login.
      this.pendingView = null;
      this.showView(viewFromHash(window.location.hash));
    });

    this.applyLanguage();
    this.showView(viewFromHash(window.location.hash));
  }

  /** Restores the session of an earlier login, if any. Open data loads meanwhile. */
  async restoreSession(): Promise<void> {
    await this.account.restore();
    this.restoring = false;
    this.showView(viewFromHash(window.location.hash));
  }

  private onSessionChange(session: SessionView | null): void {
    const views = allowedViews(session);
    const nav = byId('view-nav');
    nav.hidden = views.length < 2;
    for (const link of nav.querySelectorAll<HTMLAnchorElement>('.view-link')) {
      link.hidden = !views.includes(link.dataset.view as ViewId);
    }
    if (!views.includes('users')) {
      this.usersAdmin.reset();
    }
    if (!views.includes('api-keys')) {
      this.apiKeysAdmin.reset();
    }
    if (!views.includes('audit')) {
      this.auditView.reset();
    }
    this.caseWork.reset();
    this.caseHandling.reset();
    this.caseStats.reset();
    this.caseWork.setMode(dispatchModeOf(session) ?? 'read');
    this.caseHandling.setMode('handle');
    const pending = this.pendingView;
    if (session && pending && views.includes(pending)) {
      this.pendingView = null;
      history.replaceState(null, '', window.location.pathname + window.location.search + hashOf(pending));
    }
    this.showView(viewFromHash(window.location.hash));
    document.body.dataset.session = session ? 'user' : 'anonymous';
  }

  private showView(requested: ViewId): void {
    const view = resolveView(requested, this.account?.session ?? null);
    if (view !== requested && !this.account?.session) {
      this.pendingView = requested;
    }
    if (view !== requested && window.location.hash && !this.restoring) {
      // Leave a view that this visitor may not open, without adding a history entry.
      history.replaceState(null, '', window.location.pathname + window.location.search + hashOf(view));
    }

    const changed = view !== this.view;
    this.view = view;
    byId('view-dashboard').hidden = view !== 'dashboard';
    byId('view-users').hidden = view !== 'users';
    byId('view-api-keys').hidden = view !== 'api-keys';
    byId('view-audit').hidden = view !== 'audit';
    byId('view-cases').hidden = view !== 'cases';
    byId('view-my-cases').hidden = view !== 'my-cases';
    byId('view-case-stats').hidden = view !== 'case-stats';
    for (const link of document.querySelectorAll<HTMLAnchorElement>('.view-link')) {
      if (link.dataset.view === view) {
        link.setAttribute('aria-current', 'page');
      } else {
        link.removeAttribute('aria-current');
      }
    }
    document.body.dataset.view = view;

    if (view === 'users') {
      this.usersAdmin.show();
    } else if (view === 'api-keys') {
      this.apiKeysAdmin.show();
    } else if (view === 'audit') {
      this.auditView.show();
    } else if (view === 'cases') {
      this.activeCases = this.caseWork;
      this.caseWork.show();
    } else if (view === 'my-cases') {
      this.activeCases = this.caseHandling;
      this.caseHandling.show();
    } else if (view === 'case-stats') {
      this.caseStats.show();
    } else if (changed) {
      this.map.refreshSize();
      this.chart.resize();
    }
  }

  /** The step, purpose and phone report dialogs are shared by both case screens. */
  private wireCaseDialogs(): void {
    const forms: [string, string, () => Promise<void>][] = [
      ['case-action-form', 'case-action', () => this.activeCases.submitAction()],
      ['case-purpose-form', 'case-purpose', () => this.activeCases.submitPurpose()],
      ['case-phone-form', 'case-phone', () => this.activeCases.submitPhoneReport()],
    ];
    for (const [formId, prefix, submit] of forms) {
      byId(formId).addEventListener('submit', (event) => {
        event.preventDefault();
        void submit();
      });
      byId(`${prefix}-cancel`).addEventListener('click', () => byId<HTMLDialogElement>(`${prefix}-dialog`).close());
    }
    byId('view-cases')
      .querySelector('.case-phone-open')
      ?.addEventListener('click', () => this.caseWork.openPhoneDialog());
  }

  private notify(message: string): void {
    const notice = byId('app-notice');
    notice.textContent = message;
    notice.hidden = !message;
    window.clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(() => {
      notice.hidden = true;
    }, NOTICE_MS);
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    document.body.dataset.ready = 'false';
    const today = vnDateOf(new Date()) ?? undefined;
    const [boundaries, typhoons, entities, series, sources, about, units] = await Promise.allSettled([
      this.api.boundaries(),
      this.api.typhoons(),
      this.api.entities(),
      this.api.series(),
      this.api.sources(),
      this.api.about(),
      this.api.units(today),
    ]);
    if (generation !== this.generation) {
      return;
    }

    const seriesList = series.status === 'fulfilled' ? series.value.series : [];
    const sourceList = sources.status === 'fulfilled' ? sources.value.sources : [];
    this.series = new Map(seriesList.map((item) => [item.key, item]));

    const mapErrors = [boundaries, typhoons, entities]
      .filter((result) => result.status === 'rejected')
      .map((result) => messageOf((result as PromiseRejectedResult).reason));
    showError(byId('map-error'), mapErrors.length ? this.translator.t('load-failed', { message: mapErrors.join('; ') }) : null);
    this.map.update({
      boundaries: boundaries.status === 'fulfilled' ? boundaries.value : null,
      typhoons: typhoons.status === 'fulfilled' ? typhoons.value : null,
      entities: entities.status === 'fulfilled' ? entities.value.entities : [],
      series: this.series,
    });

    if (series.status === 'fulfilled') {
      this.chart.setData(seriesList, sourceList);
    } else {
      this.chart.showLoadError(messageOf(series.reason));
    }

    const sourcesBody = byId<HTMLTableSectionElement>('sources-body');
    if (sources.status === 'fulfilled') {
      renderSourcesTable(sourcesBody, sourceList, this.translator);
      showError(byId('sources-error'), null);
    } else {
      sourcesBody.replaceChildren();
      showError(byId('sources-error'), this.translator.t('load-failed', { message: messageOf(sources.reason) }));
    }

    if (about.status === 'fulfilled') {
      this.renderAbout(about.value.deployment, about.value.attributions ?? []);
    }

    this.usersAdmin.setReferenceData(sourceList, units.status === 'fulfilled' ? units.value.units : []);
    this.apiKeysAdmin.setReferenceData(sourceList);

    const summary = byId('units-summary');
    if (units.status === 'fulfilled' && today) {
      const communes = units.value.units.filter((unit) => unit.level === 'commune').length;
      summary.textContent = communes > 0 ? this.translator.t('units-summary', { date: formatIsoDate(today), communes }) : '';
    } else {
      summary.textContent = '';
    }

    document.body.dataset.ready = 'true';
  }

  private showEntitySeries(entity: Entity, seriesKey: string | null): void {
    const key = seriesKey ?? firstSeriesKey(entity, this.series);
    if (key) {
      this.chart.selectSeries(key);
    }
  }

  private renderAbout(deployment: string, attributions: string[]): void {
    // The configured name is a single text. When it is the stock Vietnamese
    // name, the English page keeps its own translation of it.
    const isStockName = deployment === this.translator.tIn('vi', 'deployment-default');
    if (deployment && !(isStockName && this.translator.lang !== 'vi')) {
      byId('deployment').textContent = deployment;
    }
    byId('attributions').replaceChildren(...attributions.map((text) => el('li', { text })));
  }

  private setLanguage(lang: Lang): void {
    this.translator.lang = lang;
    storeLang(safeStorage(), lang);
    // A notice still showing is in the previous language.
    byId('app-notice').hidden = true;
    this.applyLanguage();
    this.chart.refreshLanguage();
    this.account.refreshLanguage();
    this.usersAdmin.refreshLanguage();
    this.apiKeysAdmin.refreshLanguage();
    this.auditView.refreshLanguage();
    this.caseWork.refreshLanguage();
    this.caseHandling.refreshLanguage();
    this.caseStats.refreshLanguage();
    // Names and attributions come from the API in the requested language.
    void this.load();
  }

  private applyLanguage(): void {
    const lang = this.translator.lang;
    document.documentElement.lang = lang;
    document.body.dataset.lang = lang;
    applyTranslations(document, this.translator);
    for (const button of document.querySelectorAll<HTMLButtonElement>('.lang-button')) {
      button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
    }
  }
}

const app = new App();
void app.load();
void app.restoreSession();
