/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessibleInBothSchemes } from './accessibility.ts';
import { assertFitsLaptopScreens, launchChromium, saveScreenshot } from './browser.ts';
import { stack, waitFor } from './support.ts';

// The Pipeline page in headless Chromium against the running pipeline: every part as the gateway
// checks it, each connector as Kafka Connect's own REST API reports it, and a connector paused by
// an operator shows, without a reload, as the step where data stops. (The gateway itself down is
// in dashboard-reconnect.test.ts.) DASHBOARD_URL tests another dashboard than the stack's.

const DASHBOARD = process.env.DASHBOARD_URL ?? `http://127.0.0.1:${stack.DASHBOARD_PORT}`;
const PAUSED_CONNECTOR = 'iot-alerts-sink';

interface ConnectStatus {
  status: { connector: { state: string }; tasks: Array<{ id: number; state: string }> };
}

async function connectStatuses(): Promise<Record<string, ConnectStatus>> {
  const response = await fetch(`${stack.connectUrl}/connectors?expand=status`);
  assert.equal(response.status, 200, 'Kafka Connect answers');
  return (await response.json()) as Record<string, ConnectStatus>;
}

async function connectorAction(name: string, action: 'pause' | 'resume'): Promise<void> {
  const response = await fetch(`${stack.connectUrl}/connectors/${name}/${action}`, { method: 'PUT' });
  assert.equal(response.status, 202, `${action} ${name}`);
}

const partStatus = (page: Page, part: string) => page.locator(`[data-testid="part"][data-part="${part}"]`).getAttribute('data-status');

/** Waits (the page asks every 5 s) until the connector's row shows the state. */
function waitForConnectorState(page: Page, name: string, state: string): Promise<unknown> {
  return page.waitForFunction(
    ([connector, wanted]) => document.querySelector(`[data-testid="connector"][data-connector="${connector}"]`)?.getAttribute('data-state') === wanted,
    [name, state] as const,
    { timeout: 45_000 },
  );
}

test('pipeline page: every part as the gateway checks it, the connectors as Connect reports them; a paused connector shows as the degraded step without a reload, and running again once resumed', { timeout: 180_000 }, async () => {
  // Connect reports every connector RUNNING before the test starts (e.g. after a restart by another test).
  const connectors = await waitFor(
    'every connector RUNNING in Kafka Connect',
    async () => {
      const statuses = await connectStatuses();
      return Object.values(statuses).every((s) => s.status.connector.state === 'RUNNING' && s.status.tasks.every((task) => task.state === 'RUNNING')) ? statuses : undefined;
    },
    60_000,
  );
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${DASHBOARD}/`);
    await page.getByRole('navigation').getByRole('link', { name: 'Pipeline' }).click();
    await page.waitForURL(`${DASHBOARD}/pipeline`);

    assert.equal(await partStatus(page, 'broker'), 'UP');
    assert.equal(await partStatus(page, 'registry'), 'UP');
    assert.equal(await partStatus(page, 'connect'), 'UP');
    const shownConnectors = await page.$$eval('[data-testid="connector"]', (rows) => rows.map((row) => [row.getAttribute('data-connector'), row.getAttribute('data-state')]));
    assert.deepEqual(shownConnectors, Object.keys(connectors).sort().map((name) => [name, 'RUNNING']), 'the connectors as Connect reports them');
    assert.ok(Object.keys(connectors).includes(PAUSED_CONNECTOR));

    // The processor: its group is stable with a member, and its lag is a count of records.
    assert.equal(await page.getByTestId('group-state').textContent(), 'STABLE');
    assert.ok(Number(await page.getByTestId('group-members').textContent()) >= 1, 'the processor is a member of its group');
    assert.match((await page.getByTestId('total-lag').textContent()) ?? '', /^[\d,]+$/);
    const inputs = await page.$$eval('[data-testid="topic-lag"]', (rows) => rows.map((row) => row.getAttribute('data-topic')));
    assert.ok(inputs.includes('iot.sensor-readings'), `the readings topic is an input: ${inputs.join(', ')}`);
    const streams = await page.$$eval('[data-testid="gateway-feed"]', (rows) => rows.map((row) => row.getAttribute('data-stream')));
    assert.deepEqual(streams, ['StreamReadings', 'StreamWindowCounts', 'StreamAlerts']);
    const topics = await page.$$eval('[data-testid="topic"]', (rows) => rows.map((row) => row.getAttribute('data-topic')));
    assert.deepEqual(topics.slice(0, 3), ['iot.sensor-readings', 'iot.window-counts-1m', 'iot.alerts']);
    const steps = await page.$$eval('[data-testid="path-step"]', (items) => items.map((item) => item.getAttribute('data-step')));
    assert.ok(steps.indexOf('broker') < steps.indexOf('processor') && steps.indexOf('processor') < steps.indexOf(`connector-${PAUSED_CONNECTOR}`) && steps.at(-1) === 'gateway', `the data path in order: ${steps.join(' → ')}`);
    await saveScreenshot(page, 'dashboard-pipeline');
    await assertAccessibleInBothSchemes(page, '/pipeline, everything up');
    await assertFitsLaptopScreens(page, '/pipeline');

    // An operator pauses the alerts sink: the page, asking again by itself, shows where data stops.
    await connectorAction(PAUSED_CONNECTOR, 'pause');
    try {
      await waitForConnectorState(page, PAUSED_CONNECTOR, 'PAUSED');
      assert.equal(await page.locator(`[data-testid="path-step"][data-step="connector-${PAUSED_CONNECTOR}"]`).getAttribute('data-status'), 'DEGRADED');
      assert.equal(await partStatus(page, 'connect'), 'DEGRADED');
      assert.notEqual(await page.getByTestId('overall').getByTestId('health').getAttribute('data-status'), 'UP');
      assert.match((await page.getByTestId('overall-detail').textContent()) ?? '', new RegExp(PAUSED_CONNECTOR));
      await saveScreenshot(page, 'dashboard-pipeline-connector-paused');
      await assertAccessibleInBothSchemes(page, '/pipeline with a paused connector');
    } finally {
      await connectorAction(PAUSED_CONNECTOR, 'resume');
    }
    await waitForConnectorState(page, PAUSED_CONNECTOR, 'RUNNING');
    assert.deepEqual(consoleErrors, [], 'no errors in the browser console');
  } finally {
    await browser.close();
  }
});
