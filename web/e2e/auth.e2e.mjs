// End-to-end check of login, the second factor, user administration and
// logout against a running `haidang demo` server, in Chromium.
//
// Usage: HAIDANG_E2E_URL=http://127.0.0.1:PORT HAIDANG_E2E_ADMIN_PASSWORD=... npm run e2e
// The server needs an administrator named "admin" who has never logged in
// (scripts/e2e.sh creates one). The screenshots go to web/e2e/output/.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const OUTPUT_DIR = fileURLToPath(new URL('./output/', import.meta.url));
const WAIT_MS = 30_000;

const AUDITOR = {
  username: 'kiemtra.hoa',
  displayName: 'Lê Văn Hòa',
  password: 'Sổ ghi chép không bao giờ xóa',
};

const OPERATOR = {
  username: 'dieuhanh.lan',
  displayName: 'Trần Thị Lan',
  password: 'Biển xanh cát trắng 2026',
  newPassword: 'Gió chướng thổi qua Mũi Né',
};

/** Decodes RFC 4648 base32, as used for TOTP secrets. */
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    assert.notEqual(index, -1, `"${char}" is not a base32 character`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Computes the RFC 6238 code (HMAC-SHA1, 30-second step, 6 digits) of time step `counter`. */
function totp(secret, counter) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', base32Decode(secret)).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const number = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 1_000_000).padStart(6, '0');
}

/**
 * Returns a code of a time step after `usedStep`, waiting for the next step
 * if needed, and away from the end of a step so that it is still valid when
 * the server checks it.
 */
async function freshCode(secret, usedStep = -1) {
  for (;;) {
    const seconds = Date.now() / 1000;
    const step = Math.floor(seconds / 30);
    if (step > usedStep && seconds % 30 < 25) {
      return { code: totp(secret, step), step };
    }
    await sleep(1000);
  }
}

function required(name, hint) {
  const value = process.env[name];
  if (!value) {
    assert.fail(`${name} is not set. ${hint}`);
  }
  return value;
}

test('login, two-factor step and user administration in Chromium', { timeout: 300_000 }, async (t) => {
  const base = required('HAIDANG_E2E_URL', 'Run scripts/e2e.sh, or start `haidang demo` and set it to its URL.').replace(/\/+$/, '');
  const adminPassword = required(
    'HAIDANG_E2E_ADMIN_PASSWORD',
    'Create an administrator with `haidang user create --username admin --role admin ...` and pass its password.',
  );
  const origin = new URL(base).origin;

  const userDataDir = await mkdtemp(path.join(tmpdir(), 'haidang-e2e-auth-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
    timezoneId: 'UTC',
  });
  const consoleErrors = [];
  const foreignRequests = [];
  const unsafeRequests = [];
  const apiRequests = [];
  await mkdir(OUTPUT_DIR, { recursive: true });

  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() !== 'error') {
        return;
      }
      // Refused logins and a wrong code (401) and a wrong current password (400)
      // are part of the test, and the browser reports them as console errors.
      const url = message.location()?.url ?? '';
      const expected = ['/api/v1/auth/login', '/api/v1/auth/two-factor', '/api/v1/auth/password'].some((endpoint) =>
        url.endsWith(endpoint),
      );
      const status = url.endsWith('/api/v1/auth/password') ? '400' : '401';
      if (expected && message.text().includes(status)) {
        return;
      }
      consoleErrors.push(`console: ${message.text()} at ${url}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) {
        foreignRequests.push(url);
      }
      if (url.startsWith(`${origin}/api/`)) {
        apiRequests.push(`${request.method()} ${new URL(url).pathname}`);
      }
      if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method())) {
        unsafeRequests.push({ method: request.method(), url, headers: request.headers(), hasBody: request.postData() !== null });
      }
    });

    // A modal dialog dims only the viewport, so dialogs are captured without the rest of the page.
    const shot = (name, fullPage = true) => page.screenshot({ path: path.join(OUTPUT_DIR, name), fullPage });
    const loginDialog = page.locator('#login-dialog');

    async function openLogin() {
      await page.click('#login-open');
      await loginDialog.waitFor({ state: 'visible', timeout: WAIT_MS });
    }

    async function submitLogin(username, password) {
      await page.fill('#login-username', username);
      await page.fill('#login-password', password);
      await page.click('#login-submit');
    }

    /** Checks the QR code of the setup, and decodes it when zbarimg is installed. */
    async function checkQr(url) {
      const qr = page.locator('#two-factor-qr svg.qr');
      assert.ok(await qr.isVisible(), 'no QR code');
      const file = path.join(OUTPUT_DIR, 'auth-two-factor-qr.png');
      await qr.screenshot({ path: file });
      let decoded;
      try {
        decoded = execFileSync('zbarimg', ['--raw', '--quiet', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      } catch (error) {
        if (error.code === 'ENOENT') {
          t.diagnostic('zbarimg is not installed, so the QR code was not decoded');
          return;
        }
        assert.fail(`zbarimg could not read the QR code in ${file}`);
      }
      assert.equal(decoded, url);
    }

    async function expectLoggedIn(name, roles) {
      await page.locator('#account-info').waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await page.locator('#account-name').innerText(), name);
      assert.equal(await page.locator('#account-roles').innerText(), roles);
      assert.equal(await page.locator('#login-open').isVisible(), false);
      assert.equal(await loginDialog.isVisible(), false);
    }

    async function logout(buttonText, notice) {
      await page.getByRole('button', { name: buttonText, exact: true }).click();
      await page.locator('#login-open').waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.waitForFunction((text) => document.querySelector('#app-notice')?.textContent === text, notice, {
        timeout: WAIT_MS,
      });
      assert.equal(await page.locator('#account-info').isVisible(), false);
      assert.equal(await page.locator('#view-nav').isVisible(), false);
      assert.equal(await page.getAttribute('body', 'data-view'), 'dashboard');
    }

    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });

    await t.test('anonymous visitors see the page and a login button', async () => {
      assert.equal(await page.locator('#login-open').innerText(), 'Đăng nhập');
      assert.equal(await page.locator('#view-nav').isVisible(), false);
      assert.ok((await page.locator('path.hd-station').count()) >= 1, 'the public map lost its stations');
      assert.ok((await page.locator('#sources-body tr[data-source]').count()) >= 1, 'the sources table is empty');
      // A browser that never logged in does not ask for a session.
      assert.ok(!apiRequests.includes('GET /api/v1/auth/me'), 'the anonymous page asked /auth/me');
    });

    let adminSecret = '';
    let usedStep = -1;

    await t.test('a wrong password shows the server message', async () => {
      await openLogin();
      await page.click('#login-submit');
      assert.equal(await page.locator('#login-username-error').innerText(), 'Nhập tên đăng nhập.');
      assert.equal(await page.locator('#login-password-error').innerText(), 'Nhập mật khẩu.');

      await submitLogin('admin', 'không phải mật khẩu này');
      const error = page.locator('#login-error');
      await error.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await error.innerText(), 'Tên đăng nhập hoặc mật khẩu không đúng.');
      assert.equal(await page.inputValue('#login-password'), '', 'the refused password stays in the form');

      // An unknown username gets the same message.
      await submitLogin('khong-co-nguoi-nay', 'không phải mật khẩu này');
      await page.locator('#login-form[aria-busy="false"]').waitFor({ timeout: WAIT_MS });
      await error.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await error.innerText(), 'Tên đăng nhập hoặc mật khẩu không đúng.');
      await shot('auth-login-error.png', false);
    });

    await t.test('the administrator sets up the second factor', async () => {
      await submitLogin('admin', adminPassword);
      const setup = page.locator('#two-factor-setup');
      await setup.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await page.locator('#login-form').isVisible(), false);

      const secretText = await page.locator('#two-factor-secret').innerText();
      assert.match(secretText, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, `secret shown as "${secretText}"`);
      adminSecret = secretText.replace(/ /g, '');
      const url = await page.locator('#two-factor-url').innerText();
      assert.ok(url.startsWith('otpauth://totp/'), `otpauth address is "${url}"`);
      assert.equal(new URL(url).searchParams.get('secret'), adminSecret);
      assert.ok((await setup.innerText()).includes('ứng dụng xác thực'), 'the setup steps are not in Vietnamese');
      await checkQr(url);

      const code = page.locator('#two-factor-code');
      assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
      assert.equal(await code.getAttribute('inputmode'), 'numeric');
      await shot('auth-two-factor-setup.png', false);

      await code.fill('12345');
      await page.click('#two-factor-submit');
      assert.equal(await page.locator('#two-factor-code-error').innerText(), 'Mã xác thực gồm đúng 6 chữ số.');

      // A wrong code: the server's message is shown and the step stays open.
      const step = Math.floor(Date.now() / 30_000);
      const valid = new Set([step - 1, step, step + 1, step + 2].map((counter) => totp(adminSecret, counter)));
      const wrong = ['000000', '111111', '222222'].find((candidate) => !valid.has(candidate));
      await code.fill(wrong);
      await page.click('#two-factor-submit');
      const codeError = page.locator('#two-factor-error');
      await codeError.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.match(await codeError.innerText(), /^Mã xác thực hai lớp không đúng/);
      assert.ok(await page.locator('#two-factor-setup').isVisible(), 'the setup disappeared after a wrong code');

      const fresh = await freshCode(adminSecret);
      usedStep = fresh.step;
      await code.fill(fresh.code);
      await page.click('#two-factor-submit');
      await expectLoggedIn('Quản trị viên', 'Quản trị hệ thống');
      assert.ok(await page.getByRole('button', { name: 'Đăng xuất', exact: true }).isVisible());
      assert.ok(await page.getByRole('button', { name: 'Đăng xuất mọi thiết bị', exact: true }).isVisible());
      assert.ok(await page.getByRole('link', { name: 'Quản trị người dùng' }).isVisible());
    });

    await t.test('the administrator creates an operator', async () => {
      await page.getByRole('link', { name: 'Quản trị người dùng' }).click();
      await page.locator('#view-users[data-state="ready"]').waitFor({ timeout: WAIT_MS });
      assert.equal(await page.locator('#view-dashboard').isVisible(), false);
      const adminRow = page.locator('#users-body tr[data-user="admin"]');
      assert.ok((await adminRow.innerText()).includes('Quản trị hệ thống'));
      assert.equal(await adminRow.locator('[data-2fa]').getAttribute('data-2fa'), 'on');

      await page.click('#user-add');
      const dialog = page.locator('#user-dialog');
      await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await page.locator('#user-dialog-title').innerText(), 'Thêm người dùng');

      // Empty form: every rule is explained in Vietnamese.
      await page.click('#user-submit');
      assert.equal(await page.locator('#user-username-error').innerText(), 'Nhập tên đăng nhập.');
      assert.equal(await page.locator('#user-display-name-error').innerText(), 'Nhập họ và tên.');
      assert.equal(await page.locator('#user-password-error').innerText(), 'Nhập mật khẩu.');
      assert.equal(await page.locator('[data-error-for="grant-0-role"]').innerText(), 'Chọn vai trò.');

      await page.fill('#user-username', 'Trần Lan');
      await page.fill('#user-display-name', OPERATOR.displayName);
      await page.fill('#user-password', 'ngắn quá');
      // An agency officer needs an agency: the picker appears with the role.
      await page.selectOption('#grant-0-role', 'agency_officer');
      await page.locator('#grant-0-agency').waitFor({ timeout: WAIT_MS });
      assert.ok((await page.locator('#grant-0-agency option').count()) > 1, 'the agency picker is empty');
      await page.click('#user-submit');
      assert.match(await page.locator('#user-username-error').innerText(), /^Tên đăng nhập gồm 3–64 ký tự/);
      assert.equal(await page.locator('#user-password-error').innerText(), 'Mật khẩu cần ít nhất 12 ký tự.');
      assert.equal(await page.locator('[data-error-for="grant-0-agency"]').innerText(), 'Chọn đơn vị cho cán bộ sở, ngành.');
      await shot('auth-user-form-errors.png', false);

      await page.fill('#user-username', OPERATOR.username);
      await page.fill('#user-password', OPERATOR.password);
      await page.fill('#user-password-confirm', `${OPERATOR.password}!`);
      await page.selectOption('#grant-0-role', 'operator');
      await page.locator('#grant-0-agency').waitFor({ state: 'detached', timeout: WAIT_MS });
      await page.click('#user-submit');
      assert.equal(await page.locator('#user-password-confirm-error').innerText(), 'Hai lần nhập mật khẩu không khớp.');

      await page.fill('#user-password-confirm', OPERATOR.password);
      await page.click('#user-submit');
      await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
      const row = page.locator(`#users-body tr[data-user="${OPERATOR.username}"]`);
      await row.waitFor({ timeout: WAIT_MS });
      const rowText = await row.innerText();
      assert.ok(rowText.includes(OPERATOR.displayName), `row is "${rowText}"`);
      assert.ok(rowText.includes('Điều hành viên IOC'), `row is "${rowText}"`);
      assert.equal(await row.locator('[data-2fa]').getAttribute('data-2fa'), 'off');
      assert.equal(await row.locator('[data-state]').getAttribute('data-state'), 'active');
      assert.equal(await page.locator('#users-notice').innerText(), `Đã tạo tài khoản ${OPERATOR.username}.`);
    });

    await t.test('the administrator edits the operator', async () => {
      await page.getByRole('button', { name: `Sửa tài khoản ${OPERATOR.username}` }).click();
      await page.locator('#user-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await page.locator('#user-dialog-title').innerText(), `Sửa tài khoản ${OPERATOR.username}`);
      assert.equal(await page.getAttribute('#user-username', 'readonly'), '');
      assert.ok(await page.locator('#user-disabled').isVisible(), 'no disable switch');
      // Two roles: the operator also leads a commune.
      await page.click('#grant-add');
      await page.selectOption('#grant-1-role', 'commune_officer');
      await page.locator('#grant-1-unit').waitFor({ timeout: WAIT_MS });
      const unitOptions = await page.locator('#grant-1-unit option').allInnerTexts();
      const commune = unitOptions.find((text) => text.startsWith('Phường ') || text.startsWith('Xã '));
      assert.ok(commune, `no commune among ${unitOptions.slice(0, 5).join(', ')}`);
      await page.selectOption('#grant-1-unit', { label: commune });
      await shot('auth-user-edit.png', false);
      await page.click('#user-submit');
      await page.locator('#user-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
      const row = page.locator(`#users-body tr[data-user="${OPERATOR.username}"]`);
      await page.waitForFunction(
        (text) => document.querySelector('#users-notice')?.textContent === text,
        `Đã lưu thay đổi của tài khoản ${OPERATOR.username}.`,
        { timeout: WAIT_MS },
      );
      const roles = await row.locator('.grant-list li').allInnerTexts();
      assert.deepEqual(roles, ['Điều hành viên IOC', `Cán bộ xã, phường (${commune})`]);
      await shot('auth-users.png');
    });

    await t.test('the administrator creates an auditor', async () => {
      await page.click('#user-add');
      await page.locator('#user-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.fill('#user-username', AUDITOR.username);
      await page.fill('#user-display-name', AUDITOR.displayName);
      await page.fill('#user-password', AUDITOR.password);
      await page.fill('#user-password-confirm', AUDITOR.password);
      await page.selectOption('#grant-0-role', 'auditor');
      await page.click('#user-submit');
      await page.locator('#user-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });
      const row = page.locator(`#users-body tr[data-user="${AUDITOR.username}"]`);
      await row.waitFor({ timeout: WAIT_MS });
      // The auditor's role requires a second factor, which is not set up yet.
      assert.equal(await row.locator('[data-2fa]').getAttribute('data-2fa'), 'pending');
      assert.equal(await row.locator('[data-2fa]').innerText(), 'Chờ thiết lập');
    });

    await t.test('a reload keeps the session and the view', async () => {
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.locator('#view-users[data-state="ready"]').waitFor({ timeout: WAIT_MS });
      assert.equal(await page.evaluate(() => window.location.hash), '#users');
      await expectLoggedIn('Quản trị viên', 'Quản trị hệ thống');
      assert.ok(apiRequests.includes('GET /api/v1/auth/me'), 'the session was not read back');
    });

    await t.test('the administrator issues, rotates and revokes an API key', async () => {
      await page.getByRole('link', { name: 'Khóa API' }).click();
      await page.locator('#view-api-keys[data-state="ready"]').waitFor({ timeout: WAIT_MS });
      await page.click('#key-add');
      await page.locator('#key-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.click('#key-submit');
      assert.equal(await page.locator('#key-name-error').innerText(), 'Nhập tên khóa.');
      assert.equal(await page.locator('#key-agency-error').innerText(), 'Chọn đơn vị dùng khóa.');

      await page.fill('#key-name', 'tram-so-nnmt');
      const agencyOptions = await page.locator('#key-agency option').allInnerTexts();
      const agency = agencyOptions.find((text) => text.startsWith('Sở Nông nghiệp'));
      assert.ok(agency, `agencies offered: ${agencyOptions.join(', ')}`);
      await page.selectOption('#key-agency', { label: agency });
      const sources = page.locator('#key-sources input[type="checkbox"]');
      assert.ok((await sources.count()) >= 1, 'the agency has no source to choose');
      await sources.first().check();
      await page.fill('#key-expires', '31/02/2030');
      await page.click('#key-submit');
      assert.equal(await page.locator('#key-expires-error').innerText(), 'Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.');
      await page.fill('#key-expires', '31/12/2030');
      await page.click('#key-submit');
      await page.locator('#key-dialog').waitFor({ state: 'hidden', timeout: WAIT_MS });

      const secret = page.locator('#issued-key-value');
      await secret.waitFor({ state: 'visible', timeout: WAIT_MS });
      const first = await secret.innerText();
      assert.match(first, /^hd_[0-9a-f]{16,}$/);
      const row = page.locator('#keys-body tr[data-key="tram-so-nnmt"]');
      await row.waitFor({ timeout: WAIT_MS });
      assert.equal(await row.locator('[data-state]').getAttribute('data-state'), 'active');
      assert.ok((await row.innerText()).includes('31/12/2030 23:59'), `row is "${await row.innerText()}"`);
      await shot('auth-api-keys.png');

      // Rotating needs a confirmation, and cancelling changes nothing.
      await page.getByRole('button', { name: 'Đổi khóa tram-so-nnmt' }).click();
      await page.locator('#confirm-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.click('#confirm-cancel');
      assert.equal(await secret.innerText(), first);
      await page.getByRole('button', { name: 'Đổi khóa tram-so-nnmt' }).click();
      await page.click('#confirm-ok');
      await page.waitForFunction((old) => {
        const text = document.querySelector('#issued-key-value')?.textContent ?? '';
        return text.startsWith('hd_') && text !== old;
      }, first);

      await page.getByRole('button', { name: 'Thu hồi khóa tram-so-nnmt' }).click();
      await page.click('#confirm-ok');
      await page.locator('#keys-body tr[data-key="tram-so-nnmt"] [data-state="revoked"]').waitFor({ timeout: WAIT_MS });
      assert.equal(await page.locator('#issued-key').isVisible(), false, 'the secret of a revoked key stays on screen');
      assert.equal(await page.locator('#keys-notice').innerText(), 'Đã thu hồi khóa tram-so-nnmt.');
    });

    await t.test('every change was sent with the CSRF token', () => {
      const apiWrites = unsafeRequests.filter((request) => request.url.includes('/api/v1/'));
      assert.ok(apiWrites.some((request) => request.method === 'PATCH'), 'no PATCH was sent');
      assert.ok(apiWrites.some((request) => request.method === 'DELETE'), 'no DELETE was sent');
      for (const request of apiWrites) {
        if (request.url.endsWith('/auth/login') && request.headers['x-csrf-token'] === undefined) {
          continue;
        }
        assert.match(request.headers['x-csrf-token'] ?? '', /^hd_/, `${request.method} ${request.url} has no CSRF token`);
        if (request.hasBody) {
          assert.equal(request.headers['content-type'], 'application/json', `${request.method} ${request.url}`);
        }
      }
    });

    await t.test('the administrator logs out', async () => {
      await logout('Đăng xuất', 'Đã đăng xuất.');
      assert.equal(await page.locator('#view-users').isVisible(), false);
      assert.ok(await page.locator('#view-dashboard').isVisible());
    });

    await t.test('the operator logs in without a second factor and has no admin screen', async () => {
      await openLogin();
      await submitLogin(OPERATOR.username, OPERATOR.password);
      await expectLoggedIn(OPERATOR.displayName, 'Điều hành viên IOC · Cán bộ xã, phường');
      // The navigation offers the citizen report screens, and no admin screen.
      assert.equal(await page.locator('#view-nav').isVisible(), true);
      assert.equal(await page.getByRole('link', { name: 'Phản ánh hiện trường', exact: true }).isVisible(), true);
      assert.equal(await page.getByRole('link', { name: 'Phản ánh được giao', exact: true }).isVisible(), true);
      assert.equal(await page.getByRole('link', { name: 'Quản trị người dùng' }).count(), 0);

      // Typing the address of the admin screen leads back to the dashboard.
      await page.evaluate(() => {
        window.location.hash = '#users';
      });
      await page.waitForFunction(() => window.location.hash === '' && document.body.dataset.view === 'dashboard');
      assert.equal(await page.locator('#view-users').isVisible(), false);
      await shot('auth-operator.png');
    });

    await t.test('the operator changes the password', async () => {
      await page.getByRole('button', { name: 'Đổi mật khẩu', exact: true }).click();
      await page.locator('#password-dialog').waitFor({ state: 'visible', timeout: WAIT_MS });
      await page.fill('#current-password', OPERATOR.password);
      await page.fill('#new-password', `${OPERATOR.username}-2026-mới`);
      await page.click('#password-submit');
      assert.equal(await page.locator('#new-password-error').innerText(), 'Mật khẩu không được chứa tên đăng nhập.');

      await page.fill('#current-password', 'mật khẩu cũ sai rồi');
      await page.fill('#new-password', OPERATOR.newPassword);
      await page.fill('#confirm-password', OPERATOR.newPassword);
      await page.click('#password-submit');
      const currentError = page.locator('#current-password-error');
      await currentError.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await currentError.innerText(), 'Mật khẩu hiện tại không đúng.');

      await page.fill('#current-password', OPERATOR.password);
      await page.click('#password-submit');
      // Every session ends: the login form opens again with a note.
      const info = page.locator('#login-info');
      await info.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await info.innerText(), 'Đã đổi mật khẩu. Hãy đăng nhập lại bằng mật khẩu mới.');
      assert.equal(await page.locator('#account-info').isVisible(), false);

      await submitLogin(OPERATOR.username, OPERATOR.newPassword);
      await expectLoggedIn(OPERATOR.displayName, 'Điều hành viên IOC · Cán bộ xã, phường');
    });

    await t.test('the operator logs out on all devices', async () => {
      await logout('Đăng xuất mọi thiết bị', 'Đã đăng xuất khỏi mọi thiết bị.');
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
      assert.ok(await page.locator('#login-open').isVisible());
    });

    await t.test('the auditor sets up the second factor and reads the audit trail', async () => {
      await openLogin();
      await submitLogin(AUDITOR.username, AUDITOR.password);
      await page.locator('#two-factor-setup').waitFor({ state: 'visible', timeout: WAIT_MS });
      const secret = (await page.locator('#two-factor-secret').innerText()).replace(/ /g, '');
      assert.notEqual(secret, adminSecret);
      await page.fill('#two-factor-code', (await freshCode(secret)).code);
      await page.click('#two-factor-submit');
      await expectLoggedIn(AUDITOR.displayName, 'Kiểm tra, giám sát');
      assert.equal(await page.getByRole('link', { name: 'Quản trị người dùng' }).isVisible(), false);

      await page.getByRole('link', { name: 'Nhật ký hoạt động' }).click();
      await page.locator('#view-audit[data-state="ready"]').waitFor({ timeout: WAIT_MS });
      const actions = await page.locator('#audit-body tr td:nth-child(3)').allInnerTexts();
      assert.ok(actions.includes('user.create'), `actions listed: ${actions.slice(0, 10).join(', ')}`);
      assert.ok(actions.includes('auth.login'), `actions listed: ${actions.slice(0, 10).join(', ')}`);
      const outcomes = new Set(await page.locator('#audit-body tr td:nth-child(5)').allInnerTexts());
      assert.ok(outcomes.has('Thành công'), `outcomes: ${[...outcomes].join(', ')}`);
      assert.ok(outcomes.has('Thất bại'), `the refused logins are missing; outcomes: ${[...outcomes].join(', ')}`);
      await shot('auth-audit.png');
      await logout('Đăng xuất', 'Đã đăng xuất.');
      assert.equal(await page.locator('#view-audit').isVisible(), false);
    });

    await t.test('in English, the login and the admin screen are translated', async () => {
      await page.click('button[data-lang="en"]');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
      assert.equal(await page.locator('#login-open').innerText(), 'Log in');
      assert.equal(await page.locator('#app-notice').isVisible(), false, 'a Vietnamese notice stayed after the switch');
      await openLogin();
      assert.equal(await page.locator('label[for="login-username"]').innerText(), 'Username');
      await submitLogin('admin', 'not the right password');
      const error = page.locator('#login-error');
      await error.waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await error.innerText(), 'Wrong username or password.');
      await shot('auth-login-en.png', false);

      // The second login of the administrator requires a code, without the setup.
      await submitLogin('admin', adminPassword);
      await page.locator('#two-factor-form').waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal(await page.locator('#two-factor-setup').isVisible(), false);
      const fresh = await freshCode(adminSecret, usedStep);
      usedStep = fresh.step;
      await page.fill('#two-factor-code', fresh.code);
      await page.click('#two-factor-submit');
      await expectLoggedIn('Quản trị viên', 'System administrator');

      await page.getByRole('link', { name: 'User administration' }).click();
      await page.locator('#view-users[data-state="ready"]').waitFor({ timeout: WAIT_MS });
      const row = page.locator(`#users-body tr[data-user="${OPERATOR.username}"]`);
      const roles = await row.locator('.grant-list li').allInnerTexts();
      assert.equal(roles[0], 'IOC operator');
      assert.match(roles[1] ?? '', /^Commune or ward officer \(/);
      assert.equal(await page.locator('#users-heading').innerText(), 'User administration');
      await shot('auth-users-en.png');
      await logout('Log out', 'You are logged out.');
    });

    await t.test('no console errors', () => {
      assert.deepEqual(consoleErrors, []);
    });

    await t.test('no requests to other origins', () => {
      assert.deepEqual(foreignRequests, []);
    });
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
});
