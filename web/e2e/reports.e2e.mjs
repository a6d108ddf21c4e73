// End-to-end check of citizen reports against a running `haidang demo` server: a citizen
// files a report on the public page in Chromium, an operator accepts and assigns it in the
// operators' screen, the Department of Construction answers it in the officers' screen,
// the operator publishes it, and the public page shows the result, all in Vietnamese. A
// few steps go through the API with a session cookie and the CSRF token.
//
// Usage: scripts/e2e.sh (which creates the users `dieuhanh` and `soxd`), or set
// HAIDANG_E2E_URL and HAIDANG_E2E_STAFF_PASSWORD yourself.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

function required(name, hint) {
  const value = process.env[name];
  if (!value) {
    assert.fail(`${name} is not set. ${hint}`);
  }
  return value;
}

/** Logs in through the API; returns a function that sends JSON with the session. */
async function staffSession(base, username, password) {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': 'vi' },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, `login of ${username}: ${JSON.stringify(body)}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  assert.match(cookie, /^haidang_session=/);
  return async (method, uri, payload) => {
    const answer = await fetch(`${base}${uri}`, {
      method,
      headers: {
        Cookie: cookie,
        'X-CSRF-Token': body.csrf_token,
        'Content-Type': 'application/json',
        'Accept-Language': 'vi',
      },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const json = await answer.json();
    assert.ok(answer.ok, `${method} ${uri} as ${username}: ${answer.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** A 1×1 PNG, as an answer photo. */
const TINY_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Logs in through the page's login dialog. */
async function logIn(page, username, password) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
  await page.click('#login-open');
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('body[data-session="user"]', { timeout: WAIT_MS });
}

async function logOut(page) {
  await page.click('#logout-button');
  await page.waitForSelector('body[data-session="anonymous"]', { timeout: WAIT_MS });
}

/** Opens a case of the list in a case screen and waits for its detail. */
async function openCase(page, viewId, id) {
  await page.fill(`#${viewId} .case-filters [data-field="q"]`, String(id));
  await page.press(`#${viewId} .case-filters [data-field="q"]`, 'Enter');
  const button = page.locator(`#${viewId} .case-open[data-case-id="${id}"]`);
  await button.waitFor({ timeout: WAIT_MS });
  await button.click();
  await page.waitForSelector(`#${viewId} .case-detail[data-case-id="${id}"]`, { timeout: WAIT_MS });
}

test('a citizen report goes from the public form to the published result', { timeout: 180_000 }, async () => {
  const base = required('HAIDANG_E2E_URL', 'Run scripts/e2e.sh, or start `haidang demo` and set it to its URL.').replace(
    /\/+$/,
    '',
  );
  const staffPassword = required(
    'HAIDANG_E2E_STAFF_PASSWORD',
    'Create the users dieuhanh (operator) and soxd (agency_officer of so-xd) and pass their password.',
  );
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'haidang-e2e-reports-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 1000 },
    locale: 'vi-VN',
  });
  const consoleErrors = [];
  await mkdir(OUTPUT_DIR, { recursive: true });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(message.text());
      }
    });
    await page.goto(`${base}/phan-anh.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
    assert.equal(await page.textContent('h1'), 'Phản ánh hiện trường');
    // The simulated reports of the demo are on the page, labelled as such.
    await page.waitForSelector('.reports-item .reports-badge', { timeout: WAIT_MS });

    await page.selectOption('#intake-service', 'hu-hong-duong');
    await page.selectOption('#intake-commune', '22945');
    const description = `Nắp cống bị vỡ trên đường Trần Hưng Đạo ${Date.now()}`;
    await page.fill('#intake-description', description);
    await page.fill('#intake-address', '45 Trần Hưng Đạo, Phường Phan Thiết');
    await page.fill('#intake-lat', '10.9290');
    await page.fill('#intake-long', '108.1010');
    await page.fill('#intake-name', 'Nguyễn Thị Mai');
    await page.fill('#intake-phone', '0912345678');
    await page.click('#intake-submit');
    await page.waitForSelector('#intake-result.reports-ok', { timeout: WAIT_MS });
    const resultText = await page.textContent('#intake-result');
    const id = /phản ánh số (\d+)/.exec(resultText ?? '')?.[1];
    assert.ok(id, `report number in: ${resultText}`);
    const token = (await page.textContent('#intake-result .reports-token'))?.trim();
    assert.ok(token, 'tracking token shown');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'reports-filed.png'), fullPage: true });

    const operator = await staffSession(base, 'dieuhanh', staffPassword);
    const agency = await staffSession(base, 'soxd', staffPassword);

    // The main page links to the public page and back.
    await page.click('.reports-sub a[href="/"]');
    await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
    assert.equal(await page.getAttribute('#public-reports-link', 'href'), '/phan-anh.html');

    // The operator accepts and assigns the report in the operators' screen.
    await page.goto(`${base}/#cases`);
    await logIn(page, 'dieuhanh', staffPassword);
    await page.waitForSelector('#view-cases[data-state="ready"]', { timeout: WAIT_MS });
    await openCase(page, 'view-cases', id);
    const detail = page.locator('#view-cases .case-detail');
    assert.ok((await detail.textContent()).includes(description));
    assert.ok(!(await detail.textContent()).includes('0912345678'), 'the reporter is masked');
    await page.click('#view-cases .case-actions [data-event="accept"]');
    await page.waitForSelector(`#view-cases .case-detail[data-case-id="${id}"][data-case-state="accepted"]`, { timeout: WAIT_MS });

    // Reading the reporter in full needs a purpose.
    await page.click('#view-cases .case-reporter-open');
    await page.click('#case-purpose-submit');
    await page.waitForSelector('#case-purpose-field-error:not([hidden])', { timeout: WAIT_MS });
    await page.fill('#case-purpose', 'Gọi lại xác minh vị trí nắp cống');
    await page.click('#case-purpose-submit');
    await page.waitForSelector('#view-cases .case-reporter[data-masked="false"]', { timeout: WAIT_MS });
    assert.ok((await page.textContent('#view-cases .case-reporter')).includes('0912345678'));

    await page.click('#view-cases .case-actions [data-event="assign"]');
    await page.waitForSelector('#case-action-dialog[open]', { timeout: WAIT_MS });
    await page.selectOption('#case-action-agency', 'so-xd');
    await page.selectOption('#case-action-commune', '22945');
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'cases-assign.png'), fullPage: true });
    await page.click('#case-action-submit');
    await page.waitForSelector(`#view-cases .case-detail[data-case-state="assigned"]`, { timeout: WAIT_MS });
    const assignedText = await detail.textContent();
    assert.ok(assignedText.includes('Đã chuyển xử lý'), assignedText);
    assert.ok(assignedText.includes('Sở Xây dựng tỉnh Lâm Đồng'), assignedText);
    assert.match(assignedText, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'cases-operator.png'), fullPage: true });
    await logOut(page);

    // The officer of the Department of Construction handles it in the officers' screen.
    await page.goto(`${base}/#my-cases`);
    await logIn(page, 'soxd', staffPassword);
    await page.waitForSelector('#view-my-cases[data-state="ready"]', { timeout: WAIT_MS });
    await openCase(page, 'view-my-cases', id);
    const mine = page.locator('#view-my-cases .case-detail');
    assert.equal(await page.locator('#view-my-cases .case-reporter').count(), 0, 'no reporter for the officer');
    assert.ok(!(await mine.textContent()).includes('0912345678'));
    // A step taken elsewhere meanwhile: the screen shows the server's 409 message.
    await agency('POST', `/api/v1/cases/${id}/handle`, { event: 'start' });
    await page.click('#view-my-cases .case-actions [data-event="start"]');
    await page.waitForSelector('#view-my-cases .case-action-error:not([hidden])', { timeout: WAIT_MS });
    const conflict = await page.textContent('#view-my-cases .case-action-error');
    assert.ok(conflict.includes('Không thể thực hiện bước "start"'), conflict);
    await page.waitForSelector('#view-my-cases .case-detail[data-case-state="in_progress"]', { timeout: WAIT_MS });
    // The browser logs the refused request itself; that one error is expected.
    const expected = consoleErrors.findIndex((text) => text.includes('409'));
    assert.notEqual(expected, -1, consoleErrors.join('\n'));
    consoleErrors.splice(expected, 1);

    const answer = 'Đã thay nắp cống mới, đảm bảo an toàn giao thông.';
    await page.click('#view-my-cases .case-actions [data-event="resolve"]');
    await page.waitForSelector('#case-action-dialog[open]', { timeout: WAIT_MS });
    // A file that is not a photo is refused before upload.
    await page.setInputFiles('#case-action-photos', { name: 'bien-ban.txt', mimeType: 'text/plain', buffer: Buffer.from('biên bản') });
    await page.fill('#case-action-note', answer);
    await page.click('#case-action-submit');
    await page.waitForSelector('#case-action-photos-error:not([hidden])', { timeout: WAIT_MS });
    await page.setInputFiles('#case-action-photos', { name: 'ket-qua.png', mimeType: 'image/png', buffer: Buffer.from(TINY_PNG, 'base64') });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'cases-resolve.png'), fullPage: true });
    await page.click('#case-action-submit');
    await page.waitForSelector('#view-my-cases .case-detail[data-case-state="resolved"]', { timeout: WAIT_MS });
    await page.waitForSelector('#view-my-cases .case-photos img', { timeout: WAIT_MS });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'cases-officer.png'), fullPage: true });

    await page.goto(`${base}/#case-stats`);
    await page.waitForSelector('#view-case-stats[data-state="ready"]', { timeout: WAIT_MS });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'cases-statistics.png'), fullPage: true });
    await logOut(page);

    const published = await operator('POST', `/api/v1/cases/${id}/dispatch`, { event: 'publish' });
    assert.equal(published.state_label, 'Đã công khai kết quả');
    await page.goto(`${base}/phan-anh.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });

    // The citizen follows the report with the token.
    await page.fill('#track-token', token);
    await page.click('#track-form button');
    await page.waitForFunction(
      () => document.querySelector('#track-result')?.textContent?.includes('Đã công khai kết quả'),
      undefined,
      { timeout: WAIT_MS },
    );

    // The public page shows the result, filtered by category and commune.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
    await page.selectOption('#filter-category', 'hu-hong-duong');
    await page.selectOption('#filter-commune', '22945');
    const item = page.locator(`.reports-item[data-case-id="${id}"]`);
    await item.waitFor({ timeout: WAIT_MS });
    const shown = await item.textContent();
    assert.ok(shown.includes(description), shown);
    assert.ok(shown.includes(`Kết quả: ${answer}`), shown);
    assert.ok(shown.includes('Phường Phan Thiết'), shown);
    assert.ok(shown.includes('Đúng hạn'), shown);
    assert.ok(!shown.includes('0912345678') && !shown.includes('Nguyễn Thị Mai'), 'no personal data on the public page');
    const statistics = await page.textContent('#stats-body');
    assert.ok(statistics.includes('Sở Xây dựng tỉnh Lâm Đồng'), statistics);
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'reports-published.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
});
