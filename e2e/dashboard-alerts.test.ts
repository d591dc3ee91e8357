/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  LOCAL_GATEWAY_TOKEN,
  loadPipelineProto,
  type IngestReadingsResponse__Output,
  type PipelineServiceClient,
  type SensorReadingMessage,
} from '@iot/contracts/grpc';
import { chromium, type Page } from 'playwright-core';
import { REPO_ROOT, stack, uniquePrefix } from './support.ts';

// The Alerts page in headless Chromium against the running pipeline: an alert raised through the
// gateway reaches two pages live; acknowledging it in one shows up in the other.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling out to a network we do not have.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DASHBOARD = `http://127.0.0.1:${stack.DASHBOARD_PORT}`;

const proto = loadPipelineProto(grpc);
const client: PipelineServiceClient = new proto.iot.v1.PipelineService(`127.0.0.1:${stack.GATEWAY_PORT}`, grpc.credentials.createInsecure());

/** Streams readings into the gateway's IngestReadings (into iot.sensor-readings, like any device). */
function ingest(readings: SensorReadingMessage[]): Promise<IngestReadingsResponse__Output> {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${LOCAL_GATEWAY_TOKEN}`);
  return new Promise((resolve, reject) => {
    const call = client.IngestReadings(metadata, { deadline: Date.now() + 30_000 }, (error, response) => (error ? reject(error) : resolve(response!)));
    for (const reading of readings) call.write({ reading });
    call.end();
  });
}

/** The sensor's RANGE alert row in a table of the page (a CSS attribute selector with the id quoted). */
const rangeRow = (page: Page, table: 'current-alerts' | 'cleared-alerts', sensorId: string) =>
  page.locator(`[data-testid="${table}"] tr[data-alert-id^=${JSON.stringify(`${sensorId}/RANGE/`)}]`);

/** Waits until the sensor's RANGE row in the current alerts has this state. */
async function waitForState(page: Page, sensorId: string, state: string): Promise<void> {
  await page.waitForFunction(
    ([prefixOfId, wanted]) => document.querySelector(`[data-testid="current-alerts"] tr[data-alert-id^=${JSON.stringify(prefixOfId)}]`)?.getAttribute('data-state') === wanted,
    [`${sensorId}/RANGE/`, state] as const,
    { timeout: 60_000 },
  );
}

async function openLive(page: Page, path: string): Promise<void> {
  await page.goto(`${DASHBOARD}${path}`);
  await page.waitForFunction(() => document.querySelector('[data-testid="stream-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
}

test('alerts page: a new RANGE alert appears live in two pages, Acknowledge (by keyboard) in one shows ACKNOWLEDGED in the other, and clearing moves it to history', { timeout: 240_000 }, async () => {
  const prefix = uniquePrefix('e2e-dash-alerts');
  const sensorId = `${prefix}temp-1`;
  const at = (i: number) => Date.now() - 5000 + i * 100;
  const reading = (i: number, value: number): SensorReadingMessage => ({ sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestampMs: at(i), value, unit: '°C' });
  const dir = join(REPO_ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    // Two independent browser contexts, like two people: A sees every alert, B filters by the sensor.
    const pageA = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const pageB = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await openLive(pageA, '/alerts');
    await openLive(pageB, `/alerts?sensor=${encodeURIComponent(sensorId)}`);
    assert.equal(await rangeRow(pageA, 'current-alerts', sensorId).count(), 0, 'a fresh sensor has no alert yet');
    assert.match((await pageB.locator('main').textContent()) ?? '', /No open or acknowledged alerts/);

    // Three readings above the temperature maximum (45 °C) open RANGE.
    const opened = await ingest([reading(0, 50), reading(1, 50), reading(2, 50)]);
    assert.equal(opened.accepted, 3);
    for (const page of [pageA, pageB]) {
      const row = rangeRow(page, 'current-alerts', sensorId);
      await row.waitFor({ timeout: 60_000 });
      assert.equal(await row.getAttribute('data-state'), 'OPEN');
      const text = (await row.textContent()) ?? '';
      assert.match(text, /CRITICAL|WARNING/, 'severity as text');
      assert.ok(text.includes(sensorId), 'the sensor');
      assert.match(text, /Out of range/, 'the rule');
      assert.match(text, /50 vs 45/, 'value vs threshold');
      assert.match(text, /UTC/, 'since when');
    }
    await pageA.screenshot({ path: join(dir, 'dashboard-alerts-open.png'), fullPage: false });

    // Page A acknowledges it with the keyboard: name field, then the row's labelled button.
    await pageA.getByLabel('Acknowledge as').fill('e2e-page-a');
    const button = pageA.getByRole('button', { name: `Acknowledge Out of range alert of ${sensorId}` });
    await button.focus();
    await pageA.keyboard.press('Enter');

    // Page B sees the new state arrive over its own stream.
    const rowB = rangeRow(pageB, 'current-alerts', sensorId);
    await waitForState(pageB, sensorId, 'ACKNOWLEDGED');
    assert.match((await rowB.getByTestId('alert-state').textContent()) ?? '', /^ACKNOWLEDGED$/);
    assert.match((await rowB.textContent()) ?? '', /by e2e-page-a/);
    assert.equal(await rowB.getByRole('button').count(), 0, 'no Acknowledge button on an acknowledged alert');
    await waitForState(pageA, sensorId, 'ACKNOWLEDGED'); // page A learns it from the stream too
    assert.equal(await rowB.count(), 1, 'one row per alert, no duplicate');
    await pageB.screenshot({ path: join(dir, 'dashboard-alerts-acknowledged.png'), fullPage: false });

    // Normal readings clear it: it leaves the current list for the history list, in both pages.
    await ingest([reading(10, 20), reading(11, 20), reading(12, 20)]);
    for (const page of [pageA, pageB]) {
      await rangeRow(page, 'cleared-alerts', sensorId).waitFor({ timeout: 60_000 });
      assert.equal(await rangeRow(page, 'current-alerts', sensorId).count(), 0, 'no longer current');
      assert.match((await rangeRow(page, 'cleared-alerts', sensorId).textContent()) ?? '', /e2e-page-a/, 'who acknowledged it');
    }
    for (const page of [pageA, pageB]) assert.equal(await page.getByTestId('stream-status').textContent(), 'live');
    await pageB.screenshot({ path: join(dir, 'dashboard-alerts-cleared.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
