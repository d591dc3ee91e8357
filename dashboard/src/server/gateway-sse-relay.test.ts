import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { status } from '@grpc/grpc-js';
import type { ClientReadableStream } from '@grpc/grpc-js';
import {
  DEFAULT_RELAY_LIMITS,
  gatewayMessageFrame,
  relayGatewayStream,
  SSE_HEADERS,
  type GatewayStreamMessage,
  type RelayLimits,
} from './gateway-sse-relay.ts';

/** A message as the gateway's streams send them, with one record field `value`. */
interface Message extends GatewayStreamMessage {
  readonly value?: { readonly n: number } | null;
}

/** A stand-in for a grpc-js ClientReadableStream: the test emits what the gateway would. */
class FakeCall extends EventEmitter {
  cancelled = false;
  constructor(readonly resumeCursor: string) {
    super();
  }
  cancel(): void {
    this.cancelled = true;
    // grpc-js reports a cancelled call as an error; the relay must ignore it.
    this.emit('error', Object.assign(new Error('Cancelled'), { code: status.CANCELLED, details: 'Cancelled on client' }));
  }
  fail(code: status, details: string): void {
    this.emit('error', Object.assign(new Error(details), { code, details }));
  }
}

const record = (n: number, cursor: string, snapshot = false): Message => ({ value: { n }, snapshot, cursor });
const recordEvent = (message: Message) => (message.value ? { event: 'thing', data: message.value } : null);

function relay(headers: Record<string, string> = {}, limits: Partial<RelayLimits> = {}) {
  const calls: FakeCall[] = [];
  const abort = new AbortController();
  const request = new Request('http://dashboard.test/api/things/stream', { headers, signal: abort.signal });
  const response = relayGatewayStream<Message>(
    request,
    {
      open: (resumeCursor) => {
        const call = new FakeCall(resumeCursor);
        calls.push(call);
        return call as unknown as ClientReadableStream<Message>;
      },
      recordEvent,
    },
    // No heartbeat comment during a test: an hour.
    { ...DEFAULT_RELAY_LIMITS, heartbeatMs: 3_600_000, ...limits },
  );
  return { response, calls, abort };
}

/** Reads the body to its end and splits it into frames. */
async function frames(response: Response): Promise<string[]> {
  const text = await response.text();
  assert.ok(text.endsWith('\n\n'), 'the body ends with a complete frame');
  return text.slice(0, -2).split('\n\n');
}

test('a fresh subscription: ready, snapshot records without id, then snapshot-complete, live records and heartbeats with their cursor as id', async () => {
  const { response, calls } = relay();
  assert.equal(response.status, 200);
  for (const [name, value] of Object.entries(SSE_HEADERS)) assert.equal(response.headers.get(name), value);
  assert.equal(calls.length, 1);
  const call = calls[0]!;
  assert.equal(call.resumeCursor, '', 'no Last-Event-ID: no resume_cursor');
  call.emit('metadata');
  call.emit('data', record(1, '', true));
  call.emit('data', { snapshot: false, cursor: 't@0:4,1:-1', snapshotComplete: { count: 1 } });
  call.emit('data', record(2, 't@0:5,1:-1'));
  call.emit('data', { snapshot: false, cursor: 't@0:5,1:-1', heartbeat: { serverTimeMs: 1234 } });
  call.emit('data', { snapshot: false, cursor: 't@0:5,1:0' }); // a record the spec does not send
  call.fail(status.UNAVAILABLE, 'gateway went away');
  assert.deepEqual(await frames(response), [
    'retry: 3000',
    ': connected',
    'event: ready\ndata: {"resumed":false}',
    'event: thing\ndata: {"n":1}',
    'id: t@0:4,1:-1\nevent: snapshot-complete\ndata: {"count":1}',
    'id: t@0:5,1:-1\nevent: thing\ndata: {"n":2}',
    'id: t@0:5,1:-1\nevent: heartbeat\ndata: {"serverTimeMs":1234}',
    'id: t@0:5,1:0',
    'event: error\ndata: UNAVAILABLE: gateway went away',
  ]);
  assert.equal(calls.length, 1, 'an ordinary failure ends the response; EventSource reconnects with its Last-Event-ID');
});

test('Last-Event-ID becomes the resume_cursor, and the resumed stream says so', async () => {
  const { response, calls } = relay({ 'Last-Event-ID': 't@0:5,1:-1' });
  assert.equal(calls[0]!.resumeCursor, 't@0:5,1:-1');
  calls[0]!.emit('metadata');
  calls[0]!.emit('data', record(3, 't@0:6,1:-1'));
  calls[0]!.emit('end');
  assert.deepEqual((await frames(response)).slice(2), [
    'event: ready\ndata: {"resumed":true}',
    'id: t@0:6,1:-1\nevent: thing\ndata: {"n":3}',
    'event: error\ndata: ENDED: the gateway closed the stream',
  ]);
});

for (const [code, name] of [
  [status.OUT_OF_RANGE, 'OUT_OF_RANGE'],
  [status.RESOURCE_EXHAUSTED, 'RESOURCE_EXHAUSTED'],
] as const) {
  test(`${name}: resync (resetting the id), then a fresh subscription on the same response`, async () => {
    const { response, calls } = relay({ 'Last-Event-ID': 't@0:1' });
    calls[0]!.fail(code, 'cannot serve');
    assert.equal(calls.length, 2, 'subscribed again');
    assert.equal(calls[1]!.resumeCursor, '', 'without a cursor');
    calls[0]!.emit('end'); // late events of the replaced call change nothing
    calls[1]!.emit('metadata');
    calls[1]!.emit('data', record(7, '', true));
    calls[1]!.emit('data', { snapshot: false, cursor: 't@0:9', snapshotComplete: { count: 1 } });
    calls[1]!.fail(status.UNAVAILABLE, 'bye');
    assert.deepEqual((await frames(response)).slice(2), [
      `id:\nevent: resync\ndata: {"reason":"${name}: cannot serve"}`,
      'event: ready\ndata: {"resumed":false}',
      'event: thing\ndata: {"n":7}',
      'id: t@0:9\nevent: snapshot-complete\ndata: {"count":1}',
      'event: error\ndata: UNAVAILABLE: bye',
    ]);
  });
}

test('INVALID_ARGUMENT on a resumed call (a cursor of another stream) resyncs; on a fresh call it is an error', async () => {
  const resumed = relay({ 'Last-Event-ID': 'other.topic@0:1' });
  resumed.calls[0]!.fail(status.INVALID_ARGUMENT, 'resume_cursor: a cursor of "other.topic"');
  assert.equal(resumed.calls.length, 2);
  assert.equal(resumed.calls[1]!.resumeCursor, '');
  resumed.calls[1]!.fail(status.INVALID_ARGUMENT, 'sensor_ids: bad');
  assert.equal(resumed.calls.length, 2, 'a fresh call refused is not retried');
  assert.deepEqual((await frames(resumed.response)).slice(-1), ['event: error\ndata: INVALID_ARGUMENT: sensor_ids: bad']);
});

test('a malformed Last-Event-ID never reaches the gateway: resync, then a fresh subscription', async () => {
  for (const header of ['<script>alert(1)</script>', 'x'.repeat(5000), 'iot.alerts@0:1,0:2']) {
    const { response, calls } = relay({ 'Last-Event-ID': header });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.resumeCursor, '', header.slice(0, 40));
    calls[0]!.fail(status.UNAVAILABLE, 'x');
    const [, , resync] = await frames(response);
    assert.match(resync!, /^id:\nevent: resync\ndata: \{"reason":"Last-Event-ID ignored: /);
    assert.ok(!resync!.includes('<script>'), 'the header is not echoed');
  }
});

test('a gateway that keeps refusing gives up after maxResyncs with an error', async () => {
  const { response, calls } = relay({}, { maxResyncs: 2 });
  calls[0]!.fail(status.RESOURCE_EXHAUSTED, 'behind');
  calls[1]!.fail(status.RESOURCE_EXHAUSTED, 'behind');
  calls[2]!.fail(status.RESOURCE_EXHAUSTED, 'behind');
  assert.equal(calls.length, 3);
  const all = await frames(response);
  assert.equal(all.filter((frame) => frame.includes('event: resync')).length, 2);
  assert.equal(all.at(-1), 'event: error\ndata: RESOURCE_EXHAUSTED: behind (after 2 resyncs on this connection)');
});

test('a browser that does not read: past maxQueuedBytes the response ends with resync and the call is cancelled', async () => {
  const { response, calls } = relay({}, { maxQueuedBytes: 2_000 });
  const call = calls[0]!;
  call.emit('metadata');
  let sent = 0;
  while (!call.cancelled && sent < 1_000) call.emit('data', record(sent++, `t@0:${sent}`));
  assert.ok(call.cancelled, 'the gRPC call was cancelled');
  assert.ok(sent > 10 && sent < 100, `stopped after about 2,000 bytes, at ${sent} records`);
  const all = await frames(response);
  assert.match(all.at(-1)!, /^id:\nevent: resync\ndata: \{"reason":"the browser fell more than 2000 bytes behind/);
  assert.equal(all.filter((frame) => frame.includes('event: thing')).length, sent, 'everything queued before it is still delivered');
});

test('an idle stream gets a `: heartbeat` comment every heartbeatMs, and none once the stream is closed', { timeout: 10_000 }, async (t) => {
  // The relay's interval runs on the test's clock; its batching (setImmediate) stays real.
  t.mock.timers.enable({ apis: ['setInterval'] });
  const { response, calls } = relay({}, { heartbeatMs: 5_000 });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const heartbeats = () => text.split('\n\n').filter((frame) => frame === ': heartbeat').length;
  const readUntil = async (done: () => boolean): Promise<void> => {
    while (!done()) {
      const chunk = await reader.read();
      if (chunk.done) return;
      text += decoder.decode(chunk.value, { stream: true });
    }
  };
  calls[0]!.emit('metadata');
  calls[0]!.emit('data', { snapshot: false, cursor: 't@0:1', snapshotComplete: { count: 0 } });
  t.mock.timers.tick(4_999);
  await readUntil(() => text.includes('event: snapshot-complete'));
  assert.equal(heartbeats(), 0, 'none before the first interval');
  for (let n = 1; n <= 3; n++) {
    t.mock.timers.tick(n === 1 ? 1 : 5_000);
    await readUntil(() => heartbeats() >= n);
  }
  assert.equal(heartbeats(), 3, 'one per interval, with nothing from the gateway meanwhile');

  // The gateway ends the stream: the response closes, and no heartbeat follows.
  calls[0]!.emit('end');
  t.mock.timers.tick(60_000);
  await readUntil(() => false);
  assert.equal(heartbeats(), 3, 'no heartbeat after the stream closed');
  assert.ok(text.endsWith('event: error\ndata: ENDED: the gateway closed the stream\n\n'), text.slice(-120));
});

test('closing the tab (the request is aborted) cancels the gRPC call', () => {
  const { calls, abort } = relay();
  assert.equal(calls[0]!.cancelled, false);
  abort.abort();
  assert.equal(calls[0]!.cancelled, true);
});

test('gatewayMessageFrame: snapshot records never carry an id, even if the message had a cursor', () => {
  assert.equal(gatewayMessageFrame(record(1, 't@0:1', true), recordEvent), 'event: thing\ndata: {"n":1}\n\n');
  assert.equal(gatewayMessageFrame({ snapshot: true, cursor: '' }, recordEvent), null, 'nothing to send');
});
