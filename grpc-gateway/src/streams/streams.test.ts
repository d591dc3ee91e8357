import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from '@iot/runtime';
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
