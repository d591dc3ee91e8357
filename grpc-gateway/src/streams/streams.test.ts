import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Alert } from '@iot/contracts';
import type { Logger } from '@iot/runtime';
import { alertKey, alertsFilter, alertsSpec } from './alerts.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { serveSubscription, type StreamSpec } from './subscription.ts';
import { TopicState, type TopicRecord } from './topic-state.ts';

const logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

interface Event {
  kind: 'value' | 'complete' | 'heartbeat';
  key?: string;
  value?: number | null;
  snapshot?: boolean;
  cursor: string;
}

const spec = (state: TopicState<number>, coalesce: boolean): StreamSpec<number, Event> => ({
  state,
  coalesce,
  matches: () => true,
  inSnapshot: () => true,
  recordEvent: (record: TopicRecord<number>, snapshot) => ({ kind: 'value', key: record.key, value: record.value, snapshot, cursor: snapshot ? '' : record.cursor }),
  snapshotCompleteEvent: (_count, cursor) => ({ kind: 'complete', cursor }),
  heartbeatEvent: (cursor) => ({ kind: 'heartbeat', cursor }),
});

/** A server-stream call that accepts `capacity` writes before write() returns false, until drain(). */
class FakeCall extends EventEmitter {
  written: Event[] = [];
  error: { code: number; details: string } | undefined;
  cancelled = false;
  private room: number;
  constructor(capacity = Infinity) {
    super();
    this.room = capacity;
    this.on('error', (error: { code: number; details: string }) => (this.error = error));
  }
  sendMetadata() {}
  getPeer() {
    return 'test';
  }
  write(event: Event): boolean {
    this.written.push(event);
    return --this.room > 0;
  }
  /** The client catches up: it takes `room` more writes before pushing back again. */
  drain(room = Infinity) {
    this.room = room;
    this.emit('drain');
  }
  asCall() {
    return this as unknown as ServerWritableStream<unknown, Event>;
  }
}

const limits = { queueLimit: 5, heartbeatMs: 60_000 };

test('a cursor round-trips, and a bad or foreign cursor is refused with the reason', () => {
  const cursor = new Map([[1, 40], [0, -1]]);
  assert.equal(encodeCursor('iot.alerts', cursor), 'iot.alerts@0:-1,1:40');
  assert.deepEqual(decodeCursor('iot.alerts', 'iot.alerts@0:-1,1:40'), cursor);
  assert.throws(() => decodeCursor('iot.alerts', 'iot.window-counts-1m@0:1'), /a cursor of "iot.window-counts-1m", this stream reads iot.alerts/);
  assert.throws(() => decodeCursor('iot.alerts', 'iot.alerts@0:x'), /"0:x" is not partition:offset/);
  assert.throws(() => decodeCursor('iot.alerts', 'nonsense'), /not a cursor/);
  assert.throws(() => decodeCursor('iot.alerts', 'iot.alerts@0:1,0:2'), /appears twice/);
});

test('snapshot then live with nothing lost or doubled; a reconnect with the last cursor gets exactly what it missed', () => {
  const state = new TopicState<number>('t', new Map([[0, 0], [1, 0]]), 100);
  state.apply('a', 1, 0, 0);
  state.apply('b', 2, 1, 0);
  const first = new FakeCall();
  serveSubscription(first.asCall(), spec(state, false), '', limits, logger);
  state.apply('a', 3, 0, 1);
  assert.deepEqual(first.written.map((e) => [e.kind, e.key, e.value, e.snapshot]), [
    ['value', 'a', 1, true], ['value', 'b', 2, true], ['complete', undefined, undefined, undefined], ['value', 'a', 3, false],
  ]);
  assert.equal(first.written[2]!.cursor, 't@0:0,1:0', 'the snapshot covers offset 0 of both partitions');
  const last = first.written.at(-1)!.cursor;
  first.emit('cancelled');
  assert.equal(state.subscriberCount, 0, 'a cancelled client frees its listener');

  state.apply('b', 4, 1, 1);
  state.apply('c', null, 0, 2);
  const second = new FakeCall();
  serveSubscription(second.asCall(), spec(state, false), last, limits, logger);
  state.apply('a', 5, 1, 2);
  assert.deepEqual(second.written.map((e) => [e.key, e.value]), [['b', 4], ['c', null], ['a', 5]], 'the two it missed, then live');
});

test('records read again after a rebalance (offsets at or below the newest applied) are not repeated to subscribers', () => {
  const state = new TopicState<number>('t', new Map([[0, 0], [1, 0]]), 100);
  const call = new FakeCall();
  serveSubscription(call.asCall(), spec(state, false), '', limits, logger);
  assert.ok(state.apply('a', 1, 0, 0));
  assert.ok(state.apply('b', 2, 1, 0));
  assert.equal(state.apply('a', 1, 0, 0), undefined, 'the same offset again');
  assert.ok(state.apply('a', 3, 0, 1));
  assert.equal(state.apply('b', 2, 1, 0), undefined, 'an older offset of another partition');
  assert.deepEqual(call.written.filter((e) => e.kind === 'value').map((e) => [e.key, e.value]), [['a', 1], ['b', 2], ['a', 3]]);
  assert.equal(state.get('a')!.value, 3);
});

test('after a gateway restart (partitions read in another interleaving) a resumed record carries the client\'s position where its own cursor lies behind, so resuming again repeats nothing', () => {
  // The first gateway gave the client a@0:0, b@0:1, c@1:0: its cursor is t@0:1,1:0.
  // The restarted one reads partition 1 first: d@1:1 is applied before it has read partition 0.
  const restarted = new TopicState<number>('t', new Map([[0, 0], [1, 0]]), 100);
  restarted.apply('c', 3, 1, 0);
  restarted.apply('d', 4, 1, 1);
  restarted.apply('a', 1, 0, 0);
  restarted.apply('b', 2, 0, 1);
  restarted.apply('e', 5, 0, 2);
  assert.equal(restarted.get('d')!.cursor, 't@0:-1,1:1', 'as applied, behind the client on partition 0');

  const resumed = new FakeCall();
  serveSubscription(resumed.asCall(), spec(restarted, false), 't@0:1,1:0', limits, logger);
  assert.deepEqual(resumed.written.map((e) => [e.key, e.cursor]), [['d', 't@0:1,1:1'], ['e', 't@0:2,1:1']]);

  const again = new FakeCall(); // the client drops after d and resumes with d's cursor
  serveSubscription(again.asCall(), spec(restarted, false), resumed.written[0]!.cursor, limits, logger);
  assert.deepEqual(again.written.map((e) => e.key), ['e'], 'a and b are not repeated');
});

test('an alert leaving a subscriber\'s filter is still sent to it (so it can drop it); one that never passed the filter is not', () => {
  const state = new TopicState<Alert>('iot.alerts', new Map([[0, 0]]), 100);
  const alert = (sensorId: string, alertState: Alert['state']): Alert => ({
    alertId: `${sensorId}/RANGE/1`, sensorId, sensorType: 'temperature', siteId: 'site', rule: 'RANGE', severity: 'CRITICAL', state: alertState,
    triggerValue: 50, peakValue: 50, threshold: 40, openedAt: 1, lastSeenAt: 1, clearedAt: null, acknowledgedAt: null, acknowledgedBy: null, message: 'too hot',
  });
  const openOnly = new FakeCall();
  const filter = alertsFilter({ siteIds: [], sensorIds: [], severities: [], states: ['ALERT_STATE_OPEN'], resumeCursor: '' });
  serveSubscription(openOnly.asCall(), alertsSpec(state, filter) as unknown as StreamSpec<Alert, Event>, '', limits, logger);
  const sent = () => (openOnly.written as unknown as Array<{ alert?: { sensorId: string; state: string }; removed?: { sensorId: string } }>)
    .filter((e) => e.alert || e.removed).map((e) => (e.alert ? `${e.alert.sensorId}:${e.alert.state}` : `${e.removed!.sensorId}:removed`));
  state.apply(alertKey('s1', 'RANGE'), alert('s1', 'OPEN'), 0, 0);
  state.apply(alertKey('s1', 'RANGE'), alert('s1', 'ACKNOWLEDGED'), 0, 1); // leaves the filter: sent
  state.apply(alertKey('s1', 'RANGE'), alert('s1', 'CLEARED'), 0, 2); // was out already: not sent
  state.apply(alertKey('s2', 'RANGE'), alert('s2', 'ACKNOWLEDGED'), 0, 3); // never in: not sent
  state.apply(alertKey('s2', 'RANGE'), null, 0, 4); // its removal: not sent either
  state.apply(alertKey('s3', 'RANGE'), alert('s3', 'OPEN'), 0, 5);
  state.apply(alertKey('s3', 'RANGE'), null, 0, 6); // an alert in the filter went: sent
  assert.deepEqual(sent(), ['s1:ALERT_STATE_OPEN', 's1:ALERT_STATE_ACKNOWLEDGED', 's3:ALERT_STATE_OPEN', 's3:removed']);
});

test('a cursor older than the resume buffer, or ahead of the gateway, is OUT_OF_RANGE', () => {
  const state = new TopicState<number>('t', new Map([[0, 0]]), 2);
  for (let offset = 0; offset < 5; offset++) state.apply(`k${offset}`, offset, 0, offset);
  const old = new FakeCall();
  serveSubscription(old.asCall(), spec(state, false), 't@0:1', limits, logger);
  assert.equal(old.error?.code, 11);
  assert.match(old.error!.details, /older than the 2 records the gateway keeps/);
  const fine = new FakeCall();
  serveSubscription(fine.asCall(), spec(state, false), 't@0:2', limits, logger);
  assert.deepEqual(fine.written.map((e) => e.value), [3, 4]);
  const ahead = new FakeCall();
  serveSubscription(ahead.asCall(), spec(state, false), 't@0:9', limits, logger);
  assert.match(ahead.error!.details, /ahead of the gateway/);
  const bad = new FakeCall();
  serveSubscription(bad.asCall(), spec(state, false), 'other@0:1', limits, logger);
  assert.equal(bad.error?.code, 3, 'INVALID_ARGUMENT');
});

test('a stalled client: a state stream coalesces to the newest value per key, an event stream is told to resync', () => {
  const state = new TopicState<number>('t', new Map([[0, 0]]), 100);
  const coalescing = new FakeCall(1);
  const strict = new FakeCall(1);
  serveSubscription(coalescing.asCall(), spec(state, true), '', limits, logger);
  serveSubscription(strict.asCall(), spec(state, false), '', limits, logger);
  for (let offset = 0; offset < 20; offset++) state.apply(`k${offset % 3}`, offset, 0, offset);
  assert.equal(strict.error?.code, 8, 'RESOURCE_EXHAUSTED');
  assert.match(strict.error!.details, /resubscribe without resume_cursor/);
  assert.equal(state.subscriberCount, 1, 'the dropped client no longer listens');

  coalescing.drain();
  assert.equal(coalescing.error, undefined);
  const values = coalescing.written.filter((e) => e.kind === 'value').map((e) => [e.key, e.value]);
  assert.deepEqual(values, [['k2', 17], ['k0', 18], ['k1', 19]], 'only the newest of each key waited');
  assert.equal(coalescing.written.at(-1)!.cursor, 't@0:19');
});
