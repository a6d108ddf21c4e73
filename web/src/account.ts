// The signed-in person: the header's account area, the login dialog with its
// two-factor step, logout, and the form to change one's own password.

import { ApiError, type ApiClient } from './api';
import {
  formatSecret,
  isValidCode,
  normalizeCode,
  normalizeUsername,
  passwordChangeProblems,
  readSessionHint,
  roleSummary,
  storeSessionHint,
  type FieldProblem,
} from './auth';
import { byId, showError } from './dom';
import { clearProblems, inputValue, setBusy, showProblems } from './form';
import type { Translator } from './i18n';
import { encodeQr, qrPath, type QrCode } from './qr';
import type { SessionView, TwoFactorSetup } from './types';

export interface AccountCallbacks {
  /** Called after every change of the session: login, second factor, logout, expiry. */
  onSessionChange(session: SessionView | null): void;
  /** Shows a short message under the header. */
  notify(message: string): void;
}

/** Returns whether an error means the session is gone or incomplete, so that the page falls back to public mode. */
export function isSessionLost(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && (error.code === 'UNAUTHENTICATED' || error.code === 'TWO_FACTOR_REQUIRED');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class AccountController {
  private readonly api: ApiClient;
  private readonly translator: Translator;
  private readonly callbacks: AccountCallbacks;
  private readonly storage: Storage | null;
  private current: SessionView | null = null;
  /** Setup of the second factor from the last login, kept while the dialog is open. */
  private setup: TwoFactorSetup | null = null;

  private readonly loginDialog = byId<HTMLDialogElement>('login-dialog');
  private readonly loginForm = byId<HTMLFormElement>('login-form');
  private readonly twoFactorForm = byId<HTMLFormElement>('two-factor-form');
  private readonly passwordDialog = byId<HTMLDialogElement>('password-dialog');
  private readonly passwordForm = byId<HTMLFormElement>('password-form');

  constructor(api: ApiClient, translator: Translator, storage: Storage | null, callbacks: AccountCallbacks) {
    this.api = api;
    this.translator = translator;
    this.storage = storage;
    this.callbacks = callbacks;

    byId('login-open').addEventListener('click', () => this.openLogin());
    byId('logout-button').addEventListener('click', () => void this.logout(false));
    byId('logout-all-button').addEventListener('click', () => void this.logout(true));
    byId('password-open').addEventListener('click', () => this.openPasswordForm());
    this.loginForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submitLogin();
    });
    this.twoFactorForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submitCode();
    });
    this.passwordForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submitPasswordChange();
    });
    byId('login-cancel').addEventListener('click', () => this.loginDialog.close());
    byId('two-factor-cancel').addEventListener('click', () => void this.cancelTwoFactor());
    byId('password-cancel').addEventListener('click', () => this.passwordDialog.close());
    // Another tab logged in or out: follow it.
    window.addEventListener('storage', (event) => {
      if (event.key === null || event.key === 'haidang.signed-in') {
        void this.restore();
      }
    });
    this.render();
  }

  get session(): SessionView | null {
    return this.current;
  }

  /** Asks the server for the session when this browser logged in before. */
  async restore(): Promise<void> {
    if (!readSessionHint(this.storage)) {
      if (this.current) {
        this.setSession(null);
      }
      return;
    }
    try {
      this.setSession(await this.api.me());
    } catch (error) {
      if (isSessionLost(error)) {
        const hadSession = this.current?.stage === 'full';
        this.setSession(null);
        if (hadSession) {
          this.callbacks.notify(this.translator.t('session-expired'));
        }
      }
      // Any other failure (server down) keeps the page as it is; open data still loads.
    }
  }

  /** Drops a session that ended on the server (expired, revoked, or the password changed elsewhere). */
  sessionLost(): void {
    if (this.current) {
      this.setSession(null);
      this.callbacks.notify(this.translator.t('session-expired'));
    }
  }

  refreshLanguage(): void {
    this.render();
    if (this.setup) {
      this.renderSetup();
    }
  }

  private setSession(session: SessionView | null): void {
    this.current = session;
    this.api.csrfToken = session?.csrf_token ?? null;
    storeSessionHint(this.storage, session !== null);
    if (session?.two_factor_setup) {
      this.setup = session.two_factor_setup;
    }
    if (!session) {
      this.setup = null;
    }
    this.render();
    this.callbacks.onSessionChange(session?.stage === 'full' ? session : null);
  }

  private render(): void {
    const session = this.current;
    const full = session?.stage === 'full';
    byId('login-open').hidden = full;
    byId('account-info').hidden = !full;
    byId('login-open').textContent = this.translator.t(session ? 'login-continue' : 'login-button');
    if (session && full) {
      byId('account-name').textContent = session.display_name || session.username;
      byId('account-roles').textContent = roleSummary(session.grants, this.translator);
    }
  }

  private openLogin(message?: string): void {
    clearProblems(this.loginForm);
    showError(byId('login-error'), null);
    const info = byId('login-info');
    info.textContent = message ?? '';
    info.hidden = !message;
    if (this.current?.stage === 'two_factor') {
      this.showTwoFactorStep();
    } else {
      this.showLoginStep();
    }
    if (!this.loginDialog.open) {
      this.loginDialog.showModal();
    }
    const focus = this.current?.stage === 'two_factor' ? 'two-factor-code' : 'login-username';
    byId<HTMLInputElement>(focus).focus();
  }

  private showLoginStep(): void {
    this.loginForm.hidden = false;
    this.twoFactorForm.hidden = true;
    byId<HTMLInputElement>('login-password').value = '';
  }

  private showTwoFactorStep(): void {
    this.loginForm.hidden = true;
    this.twoFactorForm.hidden = false;
    byId<HTMLInputElement>('two-factor-code').value = '';
    clearProblems(this.twoFactorForm);
    showError(byId('two-factor-error'), null);
    this.renderSetup();
  }

  private renderSetup(): void {
    const setup = this.setup;
    byId('two-factor-setup').hidden = !setup;
    // After a reload the server no longer shows the secret; a new login shows it again.
    byId('two-factor-resume').hidden = setup !== null || this.current?.two_factor_enabled !== false;
    if (setup) {
      byId('two-factor-secret').textContent = formatSecret(setup.secret);
      byId('two-factor-url').textContent = setup.otpauth_url;
      this.renderQr(setup.otpauth_url);
    }
  }

  /** Draws the otpauth:// address as a QR code, or hides that step when the address does not fit one. */
  private renderQr(address: string): void {
    const frame = byId('two-factor-qr');
    let code: QrCode;
    try {
      code = encodeQr(address);
    } catch {
      byId('two-factor-qr-step').hidden = true;
      frame.replaceChildren();
      return;
    }
    const margin = 4;
    const extent = code.size + 2 * margin;
    const svgNs = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', `0 0 ${extent} ${extent}`);
    svg.setAttribute('class', 'qr');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', this.translator.t('two-factor-qr-label'));
    svg.setAttribute('shape-rendering', 'crispEdges');
    const background = document.createElementNS(svgNs, 'rect');
    background.setAttribute('width', String(extent));
    background.setAttribute('height', String(extent));
    background.setAttribute('fill', '#ffffff');
    const modules = document.createElementNS(svgNs, 'path');
    modules.setAttribute('d', qrPath(code, margin));
    modules.setAttribute('fill', '#000000');
    svg.append(background, modules);
    frame.replaceChildren(svg);
    byId('two-factor-qr-step').hidden = false;
  }

  private async submitLogin(): Promise<void> {
    const username = normalizeUsername(inputValue(this.loginForm, 'username'));
    const password = inputValue(this.loginForm, 'password');
    const problems: FieldProblem[] = [];
    if (!username) {
      problems.push({ field: 'username', message: 'validation-username-required' });
    }
    if (!password) {
      problems.push({ field: 'password', message: 'validation-password-required' });
    }
    showError(byId('login-error'), null);
    byId('login-info').hidden = true;
    if (showProblems(this.loginForm, problems, this.translator)) {
      return;
    }
    setBusy(this.loginForm, true);
    try {
      const session = await this.loginWithRetry(username, password);
      this.setSession(session);
      if (session.stage === 'two_factor') {
        this.showTwoFactorStep();
        byId<HTMLInputElement>('two-factor-code').focus();
      } else {
        this.loginDialog.close();
        this.callbacks.notify(this.translator.t('login-welcome', { name: session.display_name || session.username }));
      }
    } catch (error) {
      showError(byId('login-error'), messageOf(error));
      const passwordInput = byId<HTMLInputElement>('login-password');
      passwordInput.value = '';
      passwordInput.focus();
    } finally {
      setBusy(this.loginForm, false);
    }
  }

  /**
   * Logs in. When the browser still has a session cookie that this page does
   * not know about (because storage was cleared), the server requires that
   * session's CSRF token. The token is read from /auth/me and the login is
   * sent once more.
   */
  private async loginWithRetry(username: string, password: string): Promise<SessionView> {
    try {
      return await this.api.login(username, password);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'CSRF_CHECK_FAILED') {
        throw error;
      }
      const existing = await this.api.me();
      this.api.csrfToken = existing.csrf_token;
      return this.api.login(username, password);
    }
  }

  private async submitCode(): Promise<void> {
    const code = normalizeCode(inputValue(this.twoFactorForm, 'code'));
    showError(byId('two-factor-error'), null);
    const problems = isValidCode(code) ? [] : [{ field: 'code', message: 'validation-code-format' }];
    if (showProblems(this.twoFactorForm, problems, this.translator)) {
      return;
    }
    setBusy(this.twoFactorForm, true);
    try {
      const session = await this.api.confirmTwoFactor(code);
      this.setup = null;
      this.setSession(session);
      this.loginDialog.close();
      this.callbacks.notify(this.translator.t('login-welcome', { name: session.display_name || session.username }));
    } catch (error) {
      if (isSessionLost(error)) {
        // The partial session expired: start again from the password.
        this.setSession(null);
        this.showLoginStep();
        showError(byId('login-error'), this.translator.t('session-expired'));
        return;
      }
      showError(byId('two-factor-error'), messageOf(error));
      const input = byId<HTMLInputElement>('two-factor-code');
      input.value = '';
      input.focus();
    } finally {
      setBusy(this.twoFactorForm, false);
    }
  }

  /** Leaves the two-factor step: ends the partial session and goes back to the password. */
  private async cancelTwoFactor(): Promise<void> {
    try {
      await this.api.logout();
    } catch {
      // The partial session may already be gone, and the page drops it either way.
    }
    this.setSession(null);
    this.loginDialog.close();
  }

  async logout(everywhere: boolean): Promise<void> {
    try {
      if (everywhere) {
        await this.api.logoutEverywhere();
      } else {
        await this.api.logout();
      }
    } catch (error) {
      if (!isSessionLost(error)) {
        this.callbacks.notify(messageOf(error));
        return;
      }
    }
    this.setSession(null);
    this.callbacks.notify(this.translator.t(everywhere ? 'logout-all-done' : 'logout-done'));
  }

  private openPasswordForm(): void {
    this.passwordForm.reset();
    // Lets password managers file the new password under the right account.
    byId<HTMLInputElement>('password-username').value = this.current?.username ?? '';
    clearProblems(this.passwordForm);
    showError(byId('password-error'), null);
    this.passwordDialog.showModal();
    byId<HTMLInputElement>('current-password').focus();
  }

  private async submitPasswordChange(): Promise<void> {
    const session = this.current;
    if (!session) {
      this.passwordDialog.close();
      return;
    }
    const draft = {
      current: inputValue(this.passwordForm, 'current-password'),
      next: inputValue(this.passwordForm, 'new-password'),
      confirm: inputValue(this.passwordForm, 'confirm-password'),
    };
    showError(byId('password-error'), null);
    if (showProblems(this.passwordForm, passwordChangeProblems(draft, session.username), this.translator)) {
      return;
    }
    setBusy(this.passwordForm, true);
    try {
      await this.api.changePassword(draft.current, draft.next);
      this.passwordDialog.close();
      // The server ends every session of the user, this one included.
      this.setSession(null);
      this.openLogin(this.translator.t('password-changed'));
    } catch (error) {
      if (isSessionLost(error)) {
        this.passwordDialog.close();
        this.sessionLost();
        return;
      }
      if (error instanceof ApiError && error.code === 'WRONG_CURRENT_PASSWORD') {
        showProblems(this.passwordForm, [{ field: 'current-password', message: 'password-current-wrong' }], this.translator);
      } else {
        showError(byId('password-error'), messageOf(error));
      }
    } finally {
      setBusy(this.passwordForm, false);
    }
  }
}
