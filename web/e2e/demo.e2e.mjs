// End-to-end check of the operations page against a running `haidang demo`
// server, driving Debian's Chromium through playwright-core.
//
// Usage: HAIDANG_E2E_URL=http://127.0.0.1:PORT npm run e2e
// The screenshots go to web/e2e/output/.

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

const TITLE_VI = 'Trung tâm Giám sát, điều hành đô thị thông minh';
const TITLE_EN = 'Intelligent Operations Center';
const STATUS_LABELS = {
  vi: { fresh: 'Đang cập nhật', stale: 'Chậm cập nhật', never: 'Chưa có dữ liệu' },
  en: { fresh: 'Up to date', stale: 'Delayed', never: 'No data yet' },
};

const DAY_MS = 24 * 3600 * 1000;
const VN_OFFSET_MS = 7 * 3600 * 1000;

/** Returns UTC midnight of the calendar day that the instant falls on in Vietnam (UTC+7, no daylight saving time). */
function vnDate(epochMs) {
  return Math.floor((epochMs + VN_OFFSET_MS) / DAY_MS) * DAY_MS;
}

/** Formats a UTC midnight from vnDate() as dd/mm/yyyy. */
function displayDate(dayMs) {
  const iso = new Date(dayMs).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** Returns the server's base URL without a trailing slash, or fails the test when it is not set. */
function baseUrl() {
  const value = process.env.HAIDANG_E2E_URL;
  if (!value) {
    assert.fail(
      'HAIDANG_E2E_URL is not set. Start the server first, for example ' +
        '`haidang demo --listen 127.0.0.1:8080 --database-url sqlite:///tmp/demo.db`, ' +
        'then run `HAIDANG_E2E_URL=http://127.0.0.1:8080 npm run e2e`.',
    );
  }
  return value.replace(/\/+$/, '');
}

async function getJson(base, apiPath) {
  const response = await fetch(`${base}${apiPath}`, { headers: { Accept: 'application/json', 'Accept-Language': 'vi' } });
  assert.equal(response.status, 200, `GET ${apiPath} returned HTTP ${response.status}`);
  return response.json();
}

test('demo page in Chromium', { timeout: 180_000 }, async (t) => {
  const base = baseUrl();
  const origin = new URL(base).origin;

  const [seriesBody, entitiesBody, sourcesBody, aboutBody] = await Promise.all([
    getJson(base, '/api/v1/series'),
    getJson(base, '/api/v1/entities'),
    getJson(base, '/api/v1/sources'),
    getJson(base, '/api/v1/about'),
  ]);
  const seriesKeys = new Set(seriesBody.series.map((item) => item.key));

  const userDataDir = await mkdtemp(path.join(tmpdir(), 'haidang-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1100 },
    // The page must show Vietnamese time whatever the browser's zone is.
    timezoneId: 'UTC',
  });
  const consoleErrors = [];
  const foreignRequests = [];

  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') {
        consoleErrors.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) {
        foreignRequests.push(url);
      }
    });

    await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });

    await t.test('header is Vietnamese', async () => {
      assert.ok((await page.title()).includes(TITLE_VI), `title is "${await page.title()}"`);
      const heading = await page.locator('h1').innerText();
      assert.ok(heading.includes('Hải Đăng'), `heading is "${heading}"`);
      assert.ok(heading.includes(TITLE_VI), `heading is "${heading}"`);
      assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    });

    await t.test('map draws boundary, stations and tracks', async () => {
      await page.waitForSelector('path.hd-boundary-province', { timeout: WAIT_MS });
      const provinceOutline = await page.getAttribute('path.hd-boundary-province', 'd');
      assert.ok(provinceOutline, 'the province path has no outline');
      assert.ok(provinceOutline.length > 20, `the province outline is only "${provinceOutline}"`);
      assert.ok((await page.locator('path.hd-station').count()) >= 1, 'no station marker');
      assert.ok((await page.locator('path.hd-typhoon').count()) >= 1, 'no typhoon track');
      assert.equal(await page.locator('img.leaflet-tile').count(), 0, 'the map loads tiles');
      assert.ok((await page.locator('.leaflet-control-layers-overlays input').count()) >= 4, 'layer control is missing');
    });

    await t.test('day step draws the chart', async () => {
      const withData = seriesBody.series.find((item) => item.last_time !== null);
      assert.ok(withData, 'no series in /api/v1/series has observations');

      await page.selectOption('#series-select', withData.key);
      await page.getByRole('radio', { name: 'Ngày' }).check();
      const chart = page.locator(`#chart[data-state="ready"][data-step="day"][data-series="${withData.key}"]`);
      await chart.waitFor({ timeout: WAIT_MS });

      const points = Number(await chart.getAttribute('data-points'));
      assert.ok(points > 0, `chart of ${withData.key} has ${points} points`);
      assert.equal(await page.locator('#chart canvas').count() > 0, true, 'chart has no canvas');
      const sourceLine = await page.locator('#chart-source').innerText();
      assert.match(sourceLine, /^Nguồn: .+ · Đơn vị: .+/);

      // The default period is the seven days ending on the Vietnamese day of the last observation.
      const lastDay = vnDate(Date.parse(withData.last_time));
      assert.equal(await page.inputValue('#range-to'), displayDate(lastDay));
      assert.equal(await page.inputValue('#range-from'), displayDate(lastDay - 6 * DAY_MS));

      // Narrowing the period to two days leaves at most two daily points.
      await page.fill('#range-from', displayDate(lastDay - DAY_MS));
      await page.press('#range-from', 'Tab');
      await page.waitForFunction(
        () => {
          const chart = document.querySelector('#chart');
          const count = Number(chart?.getAttribute('data-points'));
          return chart?.getAttribute('data-state') === 'ready' && count > 0 && count <= 2;
        },
        undefined,
        { timeout: WAIT_MS },
      );

      await page.fill('#range-from', '31/02/2025');
      await page.press('#range-from', 'Tab');
      await page.locator('#chart[data-state="invalid-date"]').waitFor({ timeout: WAIT_MS });
      assert.equal(await page.getAttribute('#range-from', 'aria-invalid'), 'true');

      await page.fill('#range-from', displayDate(lastDay - 6 * DAY_MS));
      await page.press('#range-from', 'Tab');
      await chart.waitFor({ timeout: WAIT_MS });
    });

    await t.test('raw step disables aggregation', async () => {
      const withData = seriesBody.series.find((item) => item.last_time !== null);
      await page.getByRole('radio', { name: 'Thô' }).check();
      await page.locator(`#chart[data-state="ready"][data-step="raw"][data-series="${withData.key}"]`).waitFor({
        timeout: WAIT_MS,
      });
      assert.ok(Number(await page.getAttribute('#chart', 'data-points')) > 0, 'raw chart has no points');
      assert.equal(await page.isDisabled('#agg-select'), true);

      await page.getByRole('radio', { name: 'Ngày' }).check();
      await page.locator('#chart[data-state="ready"][data-step="day"]').waitFor({ timeout: WAIT_MS });
      assert.equal(await page.isDisabled('#agg-select'), false);
    });

    await t.test('station click selects its series', async () => {
      // Prefer a station drawn inside the current view, as a user would click one.
      const visibleKeys = await page.evaluate(() => {
        const mapBox = document.querySelector('#map').getBoundingClientRect();
        return [...document.querySelectorAll('path.hd-station')]
          .filter((marker) => {
            const box = marker.getBoundingClientRect();
            return box.width > 0 && box.left >= mapBox.left && box.right <= mapBox.right && box.top >= mapBox.top && box.bottom <= mapBox.bottom;
          })
          .map((marker) => marker.getAttribute('data-entity'));
      });
      const clickable = entitiesBody.entities.filter(
        (item) => item.series.some((key) => seriesKeys.has(key)) && Number.isFinite(item.lat) && Number.isFinite(item.lon),
      );
      const entity = clickable.find((item) => visibleKeys.includes(item.key)) ?? clickable[0];
      assert.ok(entity, 'no entity in /api/v1/entities has a known series');
      const expected = entity.series.find((key) => seriesKeys.has(key));

      await page.locator(`path.hd-station[data-entity="${entity.key}"]`).dispatchEvent('click');
      await page.waitForFunction(
        (key) => document.querySelector('#series-select')?.value === key,
        expected,
        { timeout: WAIT_MS },
      );
      const popup = page.locator('.leaflet-popup-content');
      await popup.waitFor({ timeout: WAIT_MS });
      const popupText = await popup.innerText();
      assert.ok(popupText.includes(entity.name), `popup text is "${popupText}"`);
      if (entity.simulated) {
        assert.ok(popupText.includes('dữ liệu mô phỏng'), `popup of a simulated station is "${popupText}"`);
      }
      await page.locator(`#chart[data-state="ready"][data-series="${expected}"], #chart[data-state="no-data"]`).waitFor({
        timeout: WAIT_MS,
      });
      await page.click('.leaflet-popup-close-button');
      await page.locator('.leaflet-popup').waitFor({ state: 'detached', timeout: WAIT_MS });
    });

    await t.test('sources table shows freshness', async () => {
      const rows = page.locator('#sources-body tr[data-source]');
      assert.equal(await rows.count(), sourcesBody.sources.length);
      assert.ok(sourcesBody.sources.length >= 1, 'no source in /api/v1/sources');
      for (const source of sourcesBody.sources) {
        const row = page.locator(`#sources-body tr[data-source="${source.key}"]`);
        const badge = row.locator('.badge[data-status]');
        assert.equal(await badge.getAttribute('data-status'), source.status, `status badge of ${source.key}`);
        assert.equal(await badge.innerText(), STATUS_LABELS.vi[source.status], `status label of ${source.key}`);
        assert.equal(await row.locator('.badge-simulated').count(), source.simulated ? 1 : 0, `simulated badge of ${source.key}`);
      }
    });

    await t.test('footer lists attributions', async () => {
      assert.equal(await page.locator('#attributions li').count(), aboutBody.attributions.length);
    });

    await mkdir(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'demo.png'), fullPage: true });

    await t.test('EN switch translates the page', async () => {
      await page.click('button[data-lang="en"]');
      await page.waitForFunction((title) => document.querySelector('h1')?.textContent?.includes(title), TITLE_EN, {
        timeout: WAIT_MS,
      });
      assert.ok((await page.title()).includes(TITLE_EN), `title is "${await page.title()}"`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });

      // The stock deployment name has an English translation, which the reloaded /about keeps.
      if (aboutBody.deployment === 'Lâm Đồng (khu vực Bình Thuận cũ)') {
        assert.equal(await page.locator('#deployment').innerText(), 'Lâm Đồng (former Bình Thuận area)');
      }

      // Reloading the data in English redraws every map layer.
      assert.ok((await page.locator('path.hd-boundary-province').count()) >= 1, 'province boundary gone after EN');
      assert.ok((await page.locator('path.hd-station').count()) >= 1, 'stations gone after EN');
      assert.ok((await page.locator('path.hd-typhoon').count()) >= 1, 'typhoon tracks gone after EN');
      assert.ok(await page.getByRole('checkbox', { name: 'Province boundary' }).isChecked());

      const first = sourcesBody.sources[0];
      const badgeText = await page.locator(`#sources-body tr[data-source="${first.key}"] .badge[data-status]`).innerText();
      assert.equal(badgeText, STATUS_LABELS.en[first.status]);

      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
      const heading = await page.locator('h1').innerText();
      assert.ok(heading.includes(TITLE_EN), `after reload the heading is "${heading}"`);
      await page.screenshot({ path: path.join(OUTPUT_DIR, 'demo-en.png'), fullPage: true });
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
