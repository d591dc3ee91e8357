/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SensorReadingMessage } from '@iot/contracts/grpc';
import { assertAccessibleInBothSchemes } from './accessibility.ts';
import { assertFitsLaptopScreens, launchChromium, saveScreenshot } from './browser.ts';
import { ingestReadings, query, stack, uniquePrefix, waitFor } from './support.ts';

// The sensor page in headless Chromium against the running pipeline: the registry's facts and
// RANGE band; its history over a range equals window_counts_1m for that range; live readings and
// windows arrive, drawn against the thresholds; a spike's alert shows in its alerts.
// DASHBOARD_URL tests another dashboard than the stack's.

const DASHBOARD = process.env.DASHBOARD_URL ?? `http://127.0.0.1:${stack.DASHBOARD_PORT}`;
const MINUTE = 60_000;

interface WindowRow {
  windowStartMs: number;
  count: string;
  min: string;
  max: string;
  mean: string;
}

/** As the page prints numbers: rounded to 2 decimals. */
const shown = (value: number) => String(Math.round(value * 100) / 100);

test('sensor page: the registry entry and its band; the history of a range equals window_counts_1m; live readings against the type-default thresholds; a spike opens an alert there', { timeout: 240_000 }, async () => {
  // A registry sensor with at least two closed windows in Postgres (the running producers feed it).
  const [device] = await waitFor(
    'a registry sensor with two closed windows in window_counts_1m',
    async () => {
      const rows = await query<{ sensor_id: string; site_id: string; sensor_type: string; unit: string; min_threshold: number | null; max_threshold: number | null }>(
        `SELECT d.sensor_id, d.site_id, d.sensor_type, d.unit, d.min_threshold, d.max_threshold FROM devices d
          WHERE d.enabled AND (SELECT count(*) FROM window_counts_1m w WHERE w.sensor_id = d.sensor_id AND w.final) >= 2
          ORDER BY d.sensor_id LIMIT 1`,
      );
      return rows.length > 0 ? rows : undefined;
    },
    180_000,
    5_000,
  );
  assert.ok(device);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });

    // From the fleet page, by the sensor's link.
    await page.goto(`${DASHBOARD}/fleet`);
    await page.locator(`[data-testid="fleet-sensor"][data-sensor-id=${JSON.stringify(device.sensor_id)}] [data-testid="sensor-link"]`).click();
    await page.waitForURL(`${DASHBOARD}/sensors/${device.sensor_id}`);
    const facts = (await page.getByTestId('sensor-facts').textContent()) ?? '';
    for (const fact of [device.sensor_id, device.site_id, device.sensor_type, device.unit]) assert.ok(facts.includes(fact), `the facts name ${fact}: ${facts}`);
    const band = (await page.getByTestId('sensor-band').textContent()) ?? '';
    if (device.max_threshold !== null) assert.ok(band.includes(`max ${device.max_threshold} ${device.unit} (device)`), band);
    if (device.min_threshold !== null) assert.ok(band.includes(`min ${device.min_threshold} ${device.unit} (device)`), band);
    await page.waitForFunction(() => document.querySelector('[data-testid="live-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
    await page.waitForFunction(() => /^Latest /.test(document.querySelector('[data-testid="latest-value"]')?.textContent ?? ''), undefined, { timeout: 30_000 });

    // A custom range, chosen with the page's form, whose windows have all closed and been written.
    const [{ first, last }] = await query<{ first: Date; last: Date }>(
      'SELECT min(window_start) AS first, max(window_start) AS last FROM window_counts_1m WHERE sensor_id = $1 AND final', [device.sensor_id],
    ) as [{ first: Date; last: Date }];
    const toMs = last.getTime();
    const fromMs = Math.max(first.getTime(), toMs - 60 * MINUTE);
    const utcMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    await page.getByLabel('Range', { exact: true }).selectOption('custom');
    await page.getByLabel('From (UTC, custom)', { exact: true }).fill(utcMinute(fromMs));
    await page.getByLabel('To (UTC, custom)', { exact: true }).fill(utcMinute(toMs));
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('range') === 'custom');
    const summary = page.getByTestId('history-summary');
    assert.equal(Number(await summary.getAttribute('data-from-ms')), fromMs);
    assert.equal(Number(await summary.getAttribute('data-to-ms')), toMs);

    const expected = await query<{ window_start: Date; count: string; min: number; max: number; mean: number }>(
      'SELECT window_start, count, min, max, mean FROM window_counts_1m WHERE sensor_id = $1 AND window_start >= $2 AND window_start < $3 AND final ORDER BY window_start',
      [device.sensor_id, new Date(fromMs), new Date(toMs)],
    );
    assert.ok(expected.length >= 1, 'the range holds windows');
    assert.equal(Number(await summary.getAttribute('data-window-count')), expected.length);
    await page.getByText('The windows as a table').click();
    const rows: WindowRow[] = await page.$$eval('[data-testid="history-row"]', (trs) =>
      trs.map((tr) => ({
        windowStartMs: Number(tr.getAttribute('data-window-start-ms')),
        count: tr.querySelector('[data-testid="history-count"]')?.textContent ?? '',
        min: tr.querySelector('[data-testid="history-min"]')?.textContent ?? '',
        max: tr.querySelector('[data-testid="history-max"]')?.textContent ?? '',
        mean: tr.querySelector('[data-testid="history-mean"]')?.textContent ?? '',
      })),
    );
    assert.deepEqual(
      rows,
      expected.map((row) => ({ windowStartMs: row.window_start.getTime(), count: String(row.count), min: shown(row.min), max: shown(row.max), mean: shown(row.mean) })),
      'the history table is window_counts_1m for the range, window by window',
    );
    assert.ok(await page.getByTestId('history-chart').locator('svg').count() > 0, 'the history is drawn');
    await saveScreenshot(page, 'dashboard-sensor-registered');
    await assertAccessibleInBothSchemes(page, `/sensors/${device.sensor_id} with a custom range`);
    await assertFitsLaptopScreens(page, `/sensors/${device.sensor_id}`);

    // A bad range is refused in words, not with an error page.
    await page.goto(`${DASHBOARD}/sensors/${device.sensor_id}?range=custom&from=2026-13-01T00:00&to=x`);
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /Invalid range: from "2026-13-01T00:00" is not a real date and time; to must be YYYY-MM-DDTHH:MM \(UTC\), got "x"/);

    // A sensor outside the registry, driven through IngestReadings: its readings arrive live and
    // are drawn against its type's default band, and a spike above it opens RANGE in its alerts.
    const prefix = uniquePrefix('e2e-dash-sensor');
    const sensorId = `${prefix}temp-1`;
    await page.goto(`${DASHBOARD}/sensors/${sensorId}`);
    assert.match((await page.getByTestId('sensor-facts').textContent()) ?? '', /is not in the device registry/);
    await page.waitForFunction(() => document.querySelector('[data-testid="live-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
    const reading = (at: number, value: number): SensorReadingMessage => ({ sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestampMs: at, value, unit: '°C' });
    const start = Date.now();
    assert.equal((await ingestReadings([21, 22, 21.5].map((value, i) => reading(start + i * 1_000, value)))).accepted, 3);
    await page.waitForFunction(() => document.querySelector('[data-testid="latest-value"]')?.textContent?.startsWith('Latest 21.5 °C'), undefined, { timeout: 30_000 });
    assert.equal(await page.getByTestId('threshold-lines').textContent(), 'Dashed lines: max 45 °C (type default); min -10 °C (type default).');
    assert.ok(await page.getByTestId('readings-chart').locator('.recharts-reference-line').count() === 2, 'both thresholds drawn');
    assert.ok(await page.getByTestId('readings-chart').locator('.recharts-line-curve').count() === 1, 'the readings drawn');
    await page.waitForFunction(() => /^\d+ minutes?/.test(document.querySelector('[data-testid="minute-summary"]')?.textContent ?? ''), undefined, { timeout: 30_000 });

    assert.equal((await ingestReadings([0, 1, 2].map((i) => reading(start + 3_000 + i * 1_000, 60)))).accepted, 3);
    const alertRow = page.locator('[data-testid="current-alerts"] [data-testid="alert-row"]').filter({ hasText: 'Out of range' });
    await alertRow.waitFor({ timeout: 60_000 });
    assert.match((await alertRow.textContent()) ?? '', new RegExp(sensorId));
    assert.equal(await alertRow.getByTestId('alert-state').textContent(), 'OPEN');
    assert.match(await page.title(), /critical\) .*· IoT pipeline/, 'the open critical alert shows in the title');
    await saveScreenshot(page, 'dashboard-sensor-spike');
    await assertAccessibleInBothSchemes(page, `/sensors/${sensorId} with an open alert`);
    assert.deepEqual(consoleErrors, [], 'no errors in the browser console');
  } finally {
    await browser.close();
  }
});
