/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ALERTS_TOPIC, type Alert, type AlertKey } from '@iot/contracts';
import type { SensorReadingMessage } from '@iot/contracts/grpc';
import { killComponent, serviceEnv, status as stackStatus, upWithApps } from '@iot/stack';
import { launchChromium, recordServerSentEvents, saveScreenshot } from './browser.ts';
import { collectFromTopic, ingestReadings, REPO_ROOT, stack, uniquePrefix } from './support.ts';

// The Alerts page while the gateway is SIGKILLed and restarted: it says "reconnecting…", the alert
// changes meanwhile (acknowledged from the terminal, straight into Kafka), and once the gateway is
// back the page is live again with the new state and still one row for the alert. What the page's
// EventSource received is recorded too: the reconnect resumed from its last event id (no fresh
// snapshot), and the alert records that arrived are the topic's, in order, each once.

const run = promisify(execFile);
const DASHBOARD = `http://127.0.0.1:${stack.DASHBOARD_PORT}`;

test('alerts page: the gateway SIGKILLed shows "reconnecting…"; restarted, the page resumes from its last event id (no new snapshot) with the state that changed meanwhile, each alert record received once, one row per alert', { timeout: 240_000 }, async (t) => {
  const prefix = uniquePrefix('e2e-dash-reconnect');
  const sensorId = `${prefix}temp-1`;
  const reading = (i: number, value: number): SensorReadingMessage => ({ sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestampMs: Date.now() - 5000 + i * 100, value, unit: '°C' });
  const status = (page: { getByTestId: (id: string) => { textContent: () => Promise<string | null> } }) => page.getByTestId('stream-status').textContent();

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const received = await recordServerSentEvents(page, ['ready', 'alert', 'snapshot-complete']);
    await page.goto(`${DASHBOARD}/alerts?sensor=${encodeURIComponent(sensorId)}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="stream-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
    assert.equal((await ingestReadings([reading(0, 50), reading(1, 50), reading(2, 50)])).accepted, 3); // RANGE opens
    const rows = page.locator(`[data-testid="current-alerts"] tr[data-alert-id^=${JSON.stringify(`${sensorId}/RANGE/`)}]`);
    await rows.first().waitFor({ timeout: 60_000 });
    assert.equal(await rows.first().getAttribute('data-state'), 'OPEN');
    const alertId = (await rows.first().getAttribute('data-alert-id'))!;

    const pidBefore = stackStatus(stack).find((component) => component.name === 'grpc-gateway')?.pid;
    assert.ok(await killComponent(stack, 'grpc-gateway'), 'the gateway was running and got killed');
    await page.waitForFunction(() => document.querySelector('[data-testid="stream-status"]')?.textContent === 'reconnecting…', undefined, { timeout: 30_000 });
    await saveScreenshot(page, 'dashboard-alerts-reconnecting', { fullPage: false });
    // The Pipeline page names the part that stopped: the gateway, which runs every other check.
    const pipeline = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await pipeline.goto(`${DASHBOARD}/pipeline`);
    assert.equal(await pipeline.getByTestId('overall').getByTestId('health').getAttribute('data-status'), 'DOWN');
    assert.match((await pipeline.getByTestId('overall-detail').textContent()) ?? '', /^The gRPC gateway does not answer: UNAVAILABLE/);
    await saveScreenshot(pipeline, 'dashboard-pipeline-gateway-down', { fullPage: false });
    await pipeline.close();

    // Meanwhile the alert is acknowledged from a terminal (alerts CLI → iot.alert-acks → processor).
    const acked = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'ack', alertId, '--by', 'e2e-while-down'], { cwd: join(REPO_ROOT, 'alerts-cli'), env: { ...process.env, ...serviceEnv(stack) } });
    assert.match(acked.stdout, /acknowledgement for .* by e2e-while-down sent/);
    const topic = await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
      select: (key) => key.sensorId === sensorId && key.rule === 'RANGE',
      done: (records) => records.some((record) => record.value?.state === 'ACKNOWLEDGED'),
      timeoutMs: 60_000,
      sinceMs: Date.now() - 120_000,
    });
    assert.equal(await status(page), 'reconnecting…', 'still down: nothing new on the page');
    assert.equal(await rows.first().getAttribute('data-state'), 'OPEN');

    await upWithApps(stack, () => undefined); // starts the killed gateway again, waits for SERVING
    const pidAfter = stackStatus(stack).find((component) => component.name === 'grpc-gateway')?.pid;
    assert.ok(pidAfter !== undefined && pidAfter !== pidBefore, `a new gateway runs (pid ${pidBefore} → ${pidAfter})`);
    await page.waitForFunction(() => document.querySelector('[data-testid="stream-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid="current-alerts"] tr[data-alert-id=${JSON.stringify(id)}]`)?.getAttribute('data-state') === 'ACKNOWLEDGED',
      alertId,
      { timeout: 30_000 },
    );
    assert.equal(await rows.count(), 1, 'one row for the alert: nothing doubled across the restart');
    assert.equal(await page.locator(`tr[data-alert-id=${JSON.stringify(alertId)}]`).count(), 1, 'and none in the history list either');

    // On the wire: the alerts stream's EventSource connected once fresh, then resumed (ready
    // {resumed: true}, no second snapshot), and carried exactly the topic's records for the key.
    const events = (await received()).filter((event) => new URL(event.url, DASHBOARD).pathname === '/api/alerts/stream');
    const readies = events.filter((event) => event.event === 'ready').map((event) => JSON.parse(event.data) as { resumed: boolean });
    assert.ok(readies.length >= 2, `the stream reconnected (ready events: ${JSON.stringify(readies)})`);
    assert.deepEqual(readies.map((ready) => ready.resumed), [false, ...readies.slice(1).map(() => true)], 'every reconnect resumed from Last-Event-ID');
    assert.equal(events.filter((event) => event.event === 'snapshot-complete').length, 1, 'one snapshot, at the first connect');
    const alertEvents = events
      .filter((event) => event.event === 'alert')
      .map((event) => ({ id: event.lastEventId, alert: JSON.parse(event.data) as { alertId: string; state: string } }))
      .filter((event) => event.alert.alertId === alertId);
    assert.equal(new Set(alertEvents.map((event) => event.id)).size, alertEvents.length, `no event id twice: ${alertEvents.map((event) => event.id).join(' ')}`);
    assert.deepEqual(
      alertEvents.map((event) => event.alert.state),
      topic.filter((record) => record.value?.alertId === alertId).map((record) => record.value!.state),
      'the records received are the topic\'s for the alert, in order, none twice, none missing',
    );
    t.diagnostic(`alerts stream: ${readies.length - 1} reconnect(s), all resumed; the alert's records received: ${alertEvents.map((event) => `${event.alert.state} (id ${event.id})`).join(', ')}`);
    assert.match((await rows.first().textContent()) ?? '', /by e2e-while-down/);
    await saveScreenshot(page, 'dashboard-alerts-after-gateway-restart', { fullPage: false });
  } finally {
    await browser.close();
    if (!stackStatus(stack).some((component) => component.name === 'grpc-gateway' && component.pid !== undefined)) await upWithApps(stack, () => undefined);
  }
});
