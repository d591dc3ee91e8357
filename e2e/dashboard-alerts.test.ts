/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SensorReadingMessage } from '@iot/contracts/grpc';
import type { Page } from 'playwright-core';
import { ALERTS_TOPIC, type Alert, type AlertKey } from '@iot/contracts';
import { assertAccessibleInBothSchemes } from './accessibility.ts';
import { assertFitsLaptopScreens, launchChromium, saveScreenshot } from './browser.ts';
import { collectFromTopic, ingestReadings, stack, uniquePrefix } from './support.ts';

// The Alerts page in headless Chromium against the running pipeline: an alert raised through the
// gateway reaches two pages live; acknowledging it in one shows up in the other. And the routes
// under it over plain HTTP: resume by Last-Event-ID, resync, the ack route's statuses.

const DASHBOARD = `http://127.0.0.1:${stack.DASHBOARD_PORT}`;

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

/** The count in a title badged with open critical alerts ("(3 critical) Fleet · IoT pipeline"), or null without the badge. */
async function criticalInTitle(page: Page, pageTitle: string): Promise<number | null> {
  const badge = /^\((\d+) critical\) (.*)$/.exec(await page.title());
  return badge !== null && badge[2] === pageTitle ? Number(badge[1]) : null;
}

async function openLive(page: Page, path: string): Promise<void> {
  await page.goto(`${DASHBOARD}${path}`);
  await page.waitForFunction(() => document.querySelector('[data-testid="stream-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
}

test('alerts page: a new CRITICAL RANGE alert appears live in two pages, highlighted as new (not after a reload) and counted in the Fleet page\'s title too, Acknowledge (by keyboard) in one shows ACKNOWLEDGED in the other, and clearing moves it to history; no serious or critical axe-core violation in any of these states, light or dark', { timeout: 240_000 }, async () => {
  const prefix = uniquePrefix('e2e-dash-alerts');
  const sensorId = `${prefix}temp-1`;
  const at = (i: number) => Date.now() - 5000 + i * 100;
  const reading = (i: number, value: number): SensorReadingMessage => ({ sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestampMs: at(i), value, unit: '°C' });

  const browser = await launchChromium();
  try {
    // Two independent browser contexts, like two people: A sees every alert, B filters by the sensor.
    const pageA = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const pageB = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    // A comes from the home page (the fleet overview) through the navigation bar.
    await pageA.goto(`${DASHBOARD}/`);
    await pageA.getByRole('navigation').getByRole('link', { name: 'Alerts' }).click();
    await pageA.waitForURL(`${DASHBOARD}/alerts`);
    await pageA.waitForFunction(() => document.querySelector('[data-testid="stream-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
    assert.equal(await pageA.getByRole('link', { name: 'Alerts' }).getAttribute('aria-current'), 'page');
    // B filters by the sensor with the page's filter form, by keyboard (Enter submits it).
    await openLive(pageB, '/alerts');
    const sensorFilter = pageB.getByRole('search', { name: 'Filter alerts' }).getByLabel('Sensor');
    await sensorFilter.fill(sensorId);
    await sensorFilter.press('Enter');
    await pageB.waitForURL((url) => url.pathname === '/alerts' && url.searchParams.get('sensor') === sensorId);
    await pageB.waitForFunction(() => document.querySelector('[data-testid="stream-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
    assert.equal(await pageB.getByLabel('Sensor').inputValue(), sensorId, 'the form shows the filter in force');
    assert.equal(await rangeRow(pageA, 'current-alerts', sensorId).count(), 0, 'a fresh sensor has no alert yet');
    assert.match((await pageB.locator('main').textContent()) ?? '', /No open or acknowledged alerts/);
    // The Fleet page follows every alert too, and badges its title the same way.
    const fleet = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await fleet.goto(`${DASHBOARD}/fleet`);
    await fleet.waitForFunction(() => document.querySelector('[data-testid="alerts-stream-status"]')?.textContent === 'alerts live', undefined, { timeout: 60_000 });

    // Three readings far above the temperature maximum (45 °C; 60 is more than 10% of the band beyond it) open a CRITICAL RANGE.
    const opened = await ingestReadings([reading(0, 60), reading(1, 60), reading(2, 60)]);
    assert.equal(opened.accepted, 3);
    for (const page of [pageA, pageB]) {
      const row = rangeRow(page, 'current-alerts', sensorId);
      await row.waitFor({ timeout: 60_000 });
      assert.equal(await row.getAttribute('data-state'), 'OPEN');
      assert.equal(await row.getAttribute('data-new'), 'true', 'a critical alert that arrived live is highlighted as new');
      const text = (await row.textContent()) ?? '';
      assert.match(text, /CRITICAL/, 'severity as text');
      assert.ok(text.includes(sensorId), 'the sensor');
      assert.match(text, /Out of range/, 'the rule');
      assert.match(text, /60 vs 45/, 'value vs threshold');
      assert.match(text, /UTC/, 'since when');
    }
    assert.ok(((await criticalInTitle(pageB, 'Alerts · IoT pipeline')) ?? 0) >= 1, `page B's title counts it: ${await pageB.title()}`);
    // Fleet's badge counts the same open critical alerts as the unfiltered Alerts page (others' alerts included).
    let titles: [number | null, number | null] = [null, null];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
      titles = [await criticalInTitle(fleet, 'Fleet · IoT pipeline'), await criticalInTitle(pageA, 'Alerts · IoT pipeline')];
      if (titles[0] !== null && titles[0] === titles[1]) break;
    }
    assert.ok(titles[0] !== null && titles[0] >= 1 && titles[0] === titles[1], `Fleet's title badge equals the Alerts page's: ${await fleet.title()} / ${await pageA.title()}`);
    await fleet.close();
    await saveScreenshot(pageA, 'dashboard-alerts-open', { fullPage: false });
    // axe-core on page B, whose filter holds just this alert (the unfiltered page holds every test's
    // alerts, over a thousand rows, ~35 s per axe run): the same markup, in each state it takes.
    await assertAccessibleInBothSchemes(pageB, '/alerts with an OPEN alert');
    await assertFitsLaptopScreens(pageB, '/alerts');
    // After a reload the alert comes from the server-rendered snapshot: no longer new.
    await pageB.reload();
    assert.equal(await rangeRow(pageB, 'current-alerts', sensorId).getAttribute('data-new'), null, 'not new in the server render');
    await pageB.waitForFunction(() => document.querySelector('[data-testid="stream-status"]')?.textContent === 'live', undefined, { timeout: 60_000 });
    assert.equal(await rangeRow(pageB, 'current-alerts', sensorId).getAttribute('data-new'), null, 'nor in the live snapshot');

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
    await saveScreenshot(pageB, 'dashboard-alerts-acknowledged', { fullPage: false });
    await assertAccessibleInBothSchemes(pageB, '/alerts with an ACKNOWLEDGED alert');

    // Normal readings clear it: it leaves the current list for the history list, in both pages.
    await ingestReadings([reading(10, 20), reading(11, 20), reading(12, 20)]);
    for (const page of [pageA, pageB]) {
      await rangeRow(page, 'cleared-alerts', sensorId).waitFor({ timeout: 60_000 });
      assert.equal(await rangeRow(page, 'current-alerts', sensorId).count(), 0, 'no longer current');
      assert.match((await rangeRow(page, 'cleared-alerts', sensorId).textContent()) ?? '', /e2e-page-a/, 'who acknowledged it');
      assert.equal(await rangeRow(page, 'cleared-alerts', sensorId).getAttribute('data-cleared-live'), 'true', 'it fades into the history');
    }
    for (const page of [pageA, pageB]) assert.equal(await page.getByTestId('stream-status').textContent(), 'live');
    await saveScreenshot(pageB, 'dashboard-alerts-cleared');
    await assertAccessibleInBothSchemes(pageB, '/alerts with the alert in history');
  } finally {
    await browser.close();
  }
});

interface SseFrame {
  /** undefined: no id field; '': the id was reset. */
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** One Server-Sent Events response, read frame by frame. */
async function openStream(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${DASHBOARD}${path}`, { headers: { Accept: 'text/event-stream', ...headers } });
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const frames: SseFrame[] = [];
  let buffer = '';
  /** Reads until `done(frames)` holds; fails after `timeoutMs` (a bound, not what is tested). */
  const until = async (what: string, done: (frames: SseFrame[]) => boolean, timeoutMs = 60_000): Promise<SseFrame[]> => {
    const deadline = Date.now() + timeoutMs;
    while (!done(frames)) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}; got ${JSON.stringify(frames.slice(-5))}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), left)))]);
      clearTimeout(timer);
      if (chunk === null) continue;
      if (chunk.done) assert.fail(`the stream ended while waiting for ${what}`);
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        let id: string | undefined;
        let event = 'message';
        const data: string[] = [];
        for (const line of lines) {
          if (line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'id') id = value;
          else if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
        }
        if (id !== undefined || data.length > 0) frames.push({ id, event, data: data.join('\n') });
      }
    }
    return frames;
  };
  return { response, frames, until, close: () => reader.cancel() };
}

const json = (frame: SseFrame) => JSON.parse(frame.data) as Record<string, unknown>;
const rangeStates = (frames: SseFrame[], sensorId: string) =>
  frames.filter((frame) => frame.event === 'alert' && json(frame).sensorId === sensorId && json(frame).rule === 'RANGE').map((frame) => json(frame).state);
const lastId = (frames: SseFrame[]) => frames.filter((frame) => frame.id !== undefined && frame.id !== '').at(-1)!.id!;

test('alerts stream over HTTP: SSE headers, no compression; Last-Event-ID resumes with no gap or duplicate against iot.alerts; a cursor the gateway cannot serve or a malformed one gives resync and a fresh snapshot; ack statuses', { timeout: 240_000 }, async () => {
  const prefix = uniquePrefix('e2e-dash-sse');
  const sensorId = `${prefix}temp-1`;
  const at = (i: number) => Date.now() - 5000 + i * 100;
  const reading = (i: number, value: number): SensorReadingMessage => ({ sensorId, sensorType: 'temperature', siteId: `${prefix}site`, timestampMs: at(i), value, unit: '°C' });
  const path = `/api/alerts/stream?sensor=${encodeURIComponent(sensorId)}`;

  // 1. Fresh: ready (not resumed), an empty snapshot, its end with the cursor as id.
  const first = await openStream(path, { 'Accept-Encoding': 'gzip, br' });
  assert.match(first.response.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(first.response.headers.get('cache-control'), 'no-cache, no-transform');
  assert.equal(first.response.headers.get('x-accel-buffering'), 'no');
  assert.equal(first.response.headers.get('content-encoding'), null, 'not compressed');
  await first.until('snapshot-complete', (frames) => frames.some((frame) => frame.event === 'snapshot-complete'));
  await first.close();
  assert.deepEqual(first.frames.map((frame) => frame.event), ['ready', 'snapshot-complete']);
  assert.deepEqual(json(first.frames[0]!), { resumed: false });
  assert.equal(first.frames[0]!.id, undefined);
  assert.deepEqual(json(first.frames[1]!), { count: 0 });
  assert.match(first.frames[1]!.id ?? '', /^iot\.alerts@\d+:-?\d+(,\d+:-?\d+)*$/);

  // 2. RANGE opens while no one listens; resuming after the snapshot's id brings exactly it.
  await ingestReadings([reading(0, 50), reading(1, 50), reading(2, 50)]);
  const second = await openStream(path, { 'Last-Event-ID': first.frames[1]!.id! });
  await second.until('the OPEN alert', (frames) => rangeStates(frames, sensorId).includes('OPEN'));
  assert.deepEqual(json(second.frames[0]!), { resumed: true });
  const opened = second.frames.find((frame) => frame.event === 'alert')!;
  assert.ok(opened.id?.startsWith('iot.alerts@'), 'a live record has the cursor as id');
  assert.equal(json(opened).snapshot, false);

  // 3. Acknowledge through the route; the state arrives on the open stream.
  const alertId = String(json(opened).alertId);
  const post = (body: string, contentType = 'application/json') =>
    fetch(`${DASHBOARD}/api/alerts/ack`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  const acked = await post(JSON.stringify({ alertId, acknowledgedBy: 'e2e-http' }));
  assert.equal(acked.status, 202);
  await second.until('ACKNOWLEDGED', (frames) => rangeStates(frames, sensorId).includes('ACKNOWLEDGED'));
  await second.close();

  // 4. Cleared while disconnected; resuming after the last id received gives CLEARED next, nothing again.
  await ingestReadings([reading(10, 20), reading(11, 20), reading(12, 20)]);
  const third = await openStream(path, { 'Last-Event-ID': lastId(second.frames) });
  await third.until('CLEARED', (frames) => rangeStates(frames, sensorId).includes('CLEARED'));
  await third.close();
  assert.ok(third.frames.every((frame) => frame.event !== 'snapshot-complete' && !(frame.event === 'alert' && json(frame).snapshot)), 'no snapshot on a resumed stream');

  // Everything the three responses carried equals the topic's records for the key, in order.
  const topic = await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
    select: (key) => key.sensorId === sensorId && key.rule === 'RANGE',
    done: (records) => records.some((record) => record.value?.state === 'CLEARED'),
    timeoutMs: 60_000,
  });
  const received = [...rangeStates(first.frames, sensorId), ...rangeStates(second.frames, sensorId), ...rangeStates(third.frames, sensorId)];
  assert.deepEqual(received, topic.map((record) => record.value!.state), 'no gap, no duplicate across reconnects');

  // 5. A cursor ahead of the gateway (OUT_OF_RANGE) or a malformed one: resync (id reset), then a fresh snapshot.
  for (const [header, reason] of [
    ['iot.alerts@0:999999999999', /^OUT_OF_RANGE: /],
    ['not a cursor', /^Last-Event-ID ignored: /],
  ] as const) {
    const stream = await openStream(path, { 'Last-Event-ID': header });
    await stream.until('a fresh snapshot', (frames) => frames.some((frame) => frame.event === 'snapshot-complete'));
    await stream.close();
    const [resync, ready] = stream.frames;
    assert.equal(resync!.event, 'resync', header);
    assert.equal(resync!.id, '', 'the id is reset');
    assert.match(String(json(resync!).reason), reason);
    assert.deepEqual(json(ready!), { resumed: false });
    assert.deepEqual(rangeStates(stream.frames, sensorId), ['CLEARED'], 'the snapshot holds the alert as it is now');
  }

  // 6. The ack route: every failure has its status and a message, none is a 500.
  const unknown = await post(JSON.stringify({ alertId: `${sensorId}/RANGE/1`, acknowledgedBy: 'e2e-http' }));
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: string }).error, 'NOT_FOUND');
  const notOpen = await post(JSON.stringify({ alertId, acknowledgedBy: 'e2e-http' }));
  assert.equal(notOpen.status, 400);
  assert.equal(((await notOpen.json()) as { error: string }).error, 'FAILED_PRECONDITION');
  assert.equal((await post('{"alertId": 1}')).status, 400);
  assert.equal((await post('not json')).status, 400);
  assert.equal((await post(JSON.stringify({ alertId, acknowledgedBy: 'x' }), 'text/plain')).status, 415);
  const badFilter = await fetch(`${DASHBOARD}/api/alerts/stream?severity=LOUD`);
  assert.equal(badFilter.status, 400);
});
