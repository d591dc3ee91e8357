import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertPayload } from './alert.ts';
import {
  alertFeedReducer,
  clearedAlerts,
  clearedLive,
  currentAlerts,
  HISTORY_LIMIT,
  initialAlertFeed,
  isNewCritical,
  NEW_CRITICAL_HIGHLIGHT_MS,
  type AlertFeedAction,
  type AlertFeedState,
} from './alert-feed.ts';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function alert(sensorId: string, overrides: Partial<AlertPayload> = {}): AlertPayload {
  const rule = overrides.rule ?? 'RANGE';
  const openedAtMs = overrides.openedAtMs ?? T0;
  return {
    alertId: `${sensorId}/${rule}/${openedAtMs}`,
    sensorId,
    sensorType: 'temperature',
    siteId: 'site-a',
    rule,
    severity: 'WARNING',
    state: 'OPEN',
    triggerValue: 50,
    peakValue: 50,
    threshold: 45,
    openedAtMs,
    lastSeenAtMs: openedAtMs,
    clearedAtMs: null,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    message: 'value 50 °C is above the maximum 45 °C',
    snapshot: false,
    ...overrides,
  };
}

const run = (state: AlertFeedState, ...actions: AlertFeedAction[]) => actions.reduce(alertFeedReducer, state);
const live = (payload: AlertPayload, atMs = T0): AlertFeedAction => ({ type: 'alert', alert: { ...payload, snapshot: false }, atMs });
const snap = (payload: AlertPayload): AlertFeedAction => ({ type: 'alert', alert: { ...payload, snapshot: true }, atMs: T0 });
const ids = (alerts: AlertPayload[]) => alerts.map((a) => a.alertId);

test('a snapshot is applied only when complete, replacing whatever was held', () => {
  const held = initialAlertFeed([alert('old-1'), alert('old-2')], T0);
  const during = run(held, { type: 'ready', resumed: false }, snap(alert('new-1')));
  assert.deepEqual(new Set(ids(currentAlerts(during))), new Set(ids([alert('old-1'), alert('old-2')])), 'the old state stays shown while the snapshot arrives');
  const done = run(during, snap(alert('new-2')), { type: 'snapshot-complete', atMs: T0 + 5 });
  assert.deepEqual(new Set(ids(currentAlerts(done))), new Set(['new-1/RANGE/' + T0, 'new-2/RANGE/' + T0]));
  assert.equal(done.status, 'live');
  assert.equal(done.updatedAtMs, T0 + 5);
  assert.equal(done.pending, null);
});

test('an empty snapshot empties the page', () => {
  const state = run(initialAlertFeed([alert('gone')], T0), { type: 'ready', resumed: false }, { type: 'snapshot-complete', atMs: T0 });
  assert.equal(state.alerts.size, 0);
  assert.equal(state.status, 'live');
});

test('live changes update an alert in place: OPEN → ACKNOWLEDGED → CLEARED moves it to history', () => {
  const opened = alert('s1');
  let state = run(initialAlertFeed(null, null), { type: 'ready', resumed: false }, { type: 'snapshot-complete', atMs: T0 }, live(opened));
  assert.deepEqual(ids(currentAlerts(state)), [opened.alertId]);
  state = run(state, live({ ...opened, state: 'ACKNOWLEDGED', acknowledgedBy: 'ana', acknowledgedAtMs: T0 + 1 }, T0 + 1));
  assert.equal(currentAlerts(state)[0]!.state, 'ACKNOWLEDGED');
  assert.equal(currentAlerts(state)[0]!.acknowledgedBy, 'ana');
  state = run(state, live({ ...opened, state: 'CLEARED', clearedAtMs: T0 + 2 }, T0 + 2));
  assert.deepEqual(currentAlerts(state), []);
  assert.deepEqual(ids(clearedAlerts(state)), [opened.alertId]);
  assert.equal(state.updatedAtMs, T0 + 2);
});

test('a new occurrence of the same sensor and rule keeps the cleared one in history but replaces one still open', () => {
  const first = alert('s1', { state: 'CLEARED', clearedAtMs: T0 + 10 });
  const second = alert('s1', { openedAtMs: T0 + 20 });
  let state = run(initialAlertFeed([first], T0), live(second));
  assert.deepEqual(ids(currentAlerts(state)), [second.alertId]);
  assert.deepEqual(ids(clearedAlerts(state)), [first.alertId]);
  // A third occurrence while the second was (as far as we know) still open supersedes it.
  const third = alert('s1', { openedAtMs: T0 + 30 });
  state = run(state, live(third));
  assert.deepEqual(ids(currentAlerts(state)), [third.alertId]);
  assert.equal(state.alerts.size, 2);
});

test('removed (an expired alert\'s tombstone) deletes every occurrence of that sensor and rule only', () => {
  const cleared = alert('s1', { state: 'CLEARED', clearedAtMs: T0 + 1 });
  const otherRule = alert('s1', { rule: 'SILENCE' });
  const otherSensor = alert('s2', { state: 'CLEARED', clearedAtMs: T0 + 1 });
  const state = run(initialAlertFeed([cleared, otherRule, otherSensor], T0), { type: 'removed', removed: { sensorId: 's1', rule: 'RANGE' }, atMs: T0 + 9 });
  assert.deepEqual(new Set(state.alerts.keys()), new Set([otherRule.alertId, otherSensor.alertId]));
  assert.equal(state.updatedAtMs, T0 + 9);
});

test('resync drops everything held, and the next snapshot is the whole truth', () => {
  const before = run(initialAlertFeed(null, null), { type: 'ready', resumed: false }, snap(alert('a')), snap(alert('b')), { type: 'snapshot-complete', atMs: T0 });
  assert.equal(before.alerts.size, 2);
  const resynced = alertFeedReducer(before, { type: 'resync', reason: 'OUT_OF_RANGE: too old' });
  assert.equal(resynced.alerts.size, 0);
  assert.equal(resynced.status, 'resyncing');
  assert.equal(resynced.problem, 'OUT_OF_RANGE: too old');
  assert.equal(resynced.updatedAtMs, null, 'no data: no age');
  const after = run(resynced, { type: 'ready', resumed: false }, snap(alert('b')), { type: 'snapshot-complete', atMs: T0 + 1 });
  assert.deepEqual(ids(currentAlerts(after)), [alert('b').alertId]);
  assert.equal(after.status, 'live');
  assert.equal(after.problem, null);
});

test('a connection lost mid-snapshot discards the partial snapshot; the next one starts from scratch', () => {
  const partial = run(initialAlertFeed([alert('kept')], T0), { type: 'ready', resumed: false }, snap(alert('x')));
  const lost = alertFeedReducer(partial, { type: 'disconnected', problem: null });
  assert.equal(lost.pending, null);
  assert.equal(lost.status, 'reconnecting');
  assert.deepEqual(ids(currentAlerts(lost)), [alert('kept').alertId], 'what was shown stays until a complete snapshot replaces it');
  const next = run(lost, { type: 'ready', resumed: false }, snap(alert('y')), { type: 'snapshot-complete', atMs: T0 });
  assert.deepEqual(ids(currentAlerts(next)), [alert('y').alertId], 'x, from the broken snapshot, is not there');
});

test('a resumed stream is live at once and keeps the state; a heartbeat only refreshes the age', () => {
  const held = run(
    initialAlertFeed(null, null),
    { type: 'ready', resumed: false },
    snap(alert('a')),
    { type: 'snapshot-complete', atMs: T0 },
    { type: 'disconnected', problem: 'UNAVAILABLE: gone' },
  );
  assert.equal(held.status, 'reconnecting');
  assert.equal(held.problem, 'UNAVAILABLE: gone');
  const resumed = run(held, { type: 'ready', resumed: true }, { type: 'heartbeat', atMs: T0 + 50 });
  assert.equal(resumed.status, 'live');
  assert.equal(resumed.problem, null);
  assert.equal(resumed.updatedAtMs, T0 + 50);
  assert.deepEqual(ids(currentAlerts(resumed)), [alert('a').alertId]);
});

test('a batch applies its actions in order, like dispatching them one by one', () => {
  const actions: AlertFeedAction[] = [
    { type: 'ready', resumed: false },
    snap(alert('a')),
    { type: 'snapshot-complete', atMs: T0 },
    live(alert('b')),
    { type: 'resync', reason: 'RESOURCE_EXHAUSTED' },
    { type: 'ready', resumed: false },
    snap(alert('c')),
    { type: 'snapshot-complete', atMs: T0 + 1 },
  ];
  const batched = alertFeedReducer(initialAlertFeed(null, null), { type: 'batch', actions });
  const oneByOne = run(initialAlertFeed(null, null), ...actions);
  assert.deepEqual(batched, oneByOne);
  assert.deepEqual(ids(currentAlerts(batched)), [alert('c').alertId]);
});

test('the reducer never changes the state it is given', () => {
  const state = initialAlertFeed([alert('a')], T0);
  const copy = new Map(state.alerts);
  alertFeedReducer(state, live(alert('b')));
  alertFeedReducer(state, { type: 'resync', reason: 'r' });
  assert.deepEqual(state.alerts, copy);
});

test('current alerts: critical first, then the most recently opened; history keeps the newest cleared ones up to its limit', () => {
  const warningOld = alert('w-old', { openedAtMs: T0 });
  const warningNew = alert('w-new', { openedAtMs: T0 + 5 });
  const critical = alert('crit', { severity: 'CRITICAL', openedAtMs: T0 - 100 });
  const acknowledged = alert('ack', { state: 'ACKNOWLEDGED', openedAtMs: T0 + 1 });
  const state = initialAlertFeed([warningOld, warningNew, critical, acknowledged], T0);
  assert.deepEqual(ids(currentAlerts(state)), [critical.alertId, warningNew.alertId, acknowledged.alertId, warningOld.alertId]);

  const many = Array.from({ length: HISTORY_LIMIT + 10 }, (_, i) => alert(`c-${i}`, { state: 'CLEARED', clearedAtMs: T0 + i }));
  const trimmed = run(initialAlertFeed(many, T0), live(alert('c-new', { state: 'CLEARED', clearedAtMs: T0 + 10_000 })));
  const history = clearedAlerts(trimmed);
  assert.equal(history.length, HISTORY_LIMIT);
  assert.equal(history[0]!.sensorId, 'c-new');
  assert.equal(history.at(-1)!.sensorId, `c-${HISTORY_LIMIT + 10 - HISTORY_LIMIT + 1}`);
});

test('a critical alert that arrives live is new for NEW_CRITICAL_HIGHLIGHT_MS; one from a snapshot or the server render never is', () => {
  const fromServer = alert('server', { severity: 'CRITICAL' });
  const fromSnapshot = alert('snap', { severity: 'CRITICAL' });
  let state = run(initialAlertFeed([fromServer], T0), { type: 'ready', resumed: false }, snap(fromServer), snap(fromSnapshot), { type: 'snapshot-complete', atMs: T0 });
  const arrived = alert('live', { severity: 'CRITICAL' });
  const warning = alert('warn');
  state = run(state, live(arrived, T0 + 1_000), live(warning, T0 + 1_000));
  const isNew = (payload: AlertPayload, nowMs: number) => isNewCritical(state, state.alerts.get(payload.alertId)!, nowMs);
  assert.equal(isNew(fromServer, T0 + 1_000), false);
  assert.equal(isNew(fromSnapshot, T0 + 1_000), false);
  assert.equal(isNew(warning, T0 + 1_000), false, 'a warning is not called out');
  assert.equal(isNew(arrived, T0 + 1_000), true);
  assert.equal(isNew(arrived, T0 + 1_000 + NEW_CRITICAL_HIGHLIGHT_MS - 1), true);
  assert.equal(isNew(arrived, T0 + 1_000 + NEW_CRITICAL_HIGHLIGHT_MS), false, 'only for a short while');

  // A refresh of an alert already open and critical (a new peak) does not make it new again.
  state = run(state, live({ ...fromServer, peakValue: 60 }, T0 + 2_000));
  assert.equal(isNew(fromServer, T0 + 2_000), false);
  // A warning that turns critical is a new critical alert; acknowledging one ends its highlight.
  state = run(state, live({ ...warning, severity: 'CRITICAL' }, T0 + 3_000));
  assert.equal(isNew(warning, T0 + 3_000), true);
  state = run(state, live({ ...warning, severity: 'CRITICAL', state: 'ACKNOWLEDGED' }, T0 + 4_000));
  assert.equal(isNew(warning, T0 + 4_000), false);
});

test('an alert cleared live is marked for the history fade; one cleared in a snapshot is not; marks go with their alerts', () => {
  const clearedBefore = alert('before', { state: 'CLEARED', clearedAtMs: T0 });
  const open = alert('now', { severity: 'CRITICAL' });
  let state = run(initialAlertFeed([clearedBefore, open], T0), { type: 'ready', resumed: true });
  state = run(state, live({ ...open, state: 'CLEARED', clearedAtMs: T0 + 1 }, T0 + 1));
  assert.equal(clearedLive(state, state.alerts.get(open.alertId)!), true);
  assert.equal(clearedLive(state, state.alerts.get(clearedBefore.alertId)!), false);
  assert.equal(isNewCritical(state, state.alerts.get(open.alertId)!, T0 + 1), false, 'a cleared alert is not new');

  state = run(state, { type: 'removed', removed: { sensorId: 'now', rule: 'RANGE' }, atMs: T0 + 2 });
  assert.deepEqual([...state.liveChanges.keys()], [], 'the mark of a removed alert is dropped');
  state = run(state, live(alert('again', { severity: 'CRITICAL' }), T0 + 3), { type: 'resync', reason: 'r' });
  assert.equal(state.liveChanges.size, 0, 'resync drops every mark with the alerts');
});
