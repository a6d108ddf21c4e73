// End-to-end check of citizen reports against a running `haidang demo` server: a citizen
// files a report on the public page in Chromium, an operator accepts and assigns it, the
// Department of Construction answers it, the operator publishes it, and the public page
// shows the result, all in Vietnamese. The staff steps go through the API with a session
// cookie and the CSRF token, as the operators' screens would send them.
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
    await operator('POST', `/api/v1/cases/${id}/dispatch`, { event: 'accept', note: 'Phản ánh hợp lệ' });
    const assigned = await operator('POST', `/api/v1/cases/${id}/dispatch`, {
      event: 'assign',
      agency: 'so-xd',
      commune: '22945',
    });
    assert.equal(assigned.state_label, 'Đã chuyển xử lý');
    const seen = await agency('GET', `/api/v1/cases/${id}`);
    assert.equal(seen.reporter, null, 'the agency does not see the reporter');
    assert.ok(!JSON.stringify(seen).includes('0912345678'));
    await agency('POST', `/api/v1/cases/${id}/handle`, { event: 'start' });
    const answer = 'Đã thay nắp cống mới, đảm bảo an toàn giao thông.';
    await agency('POST', `/api/v1/cases/${id}/handle`, { event: 'resolve', note: answer });
    const published = await operator('POST', `/api/v1/cases/${id}/dispatch`, { event: 'publish' });
    assert.equal(published.state_label, 'Đã công khai kết quả');

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
