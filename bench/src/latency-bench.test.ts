import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser } from './latency-bench.ts';

test('the SSE parser yields each event once it is complete, across chunk boundaries, skipping comments and id-only frames', () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push(': heartbeat\n\nevent: ready\ndata: {"resumed":false}\n\nid: c1\nevent: al'), [
    { event: 'ready', data: '{"resumed":false}' },
  ]);
  assert.deepEqual(parser.push('ert\ndata: {"sensorId":"s-1"}\n'), []);
  assert.deepEqual(parser.push('\nid: c2\n\ndata: a\ndata: b\n\n'), [
    { event: 'alert', data: '{"sensorId":"s-1"}' },
    { event: 'message', data: 'a\nb' },
  ]);
});

test('the SSE parser accepts CRLF line ends', () => {
  assert.deepEqual(new SseParser().push('event: snapshot-complete\r\ndata: {"count":0}\r\n\r\n'), [{ event: 'snapshot-complete', data: '{"count":0}' }]);
});
