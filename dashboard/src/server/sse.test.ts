import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sseComment, sseEvent, sseRetry } from './sse.ts';

test('an event frame has id, event and data lines and ends with a blank line', () => {
  assert.equal(sseEvent({ id: 'iot.alerts@0:5', event: 'alert', data: '{"a":1}' }), 'id: iot.alerts@0:5\nevent: alert\ndata: {"a":1}\n\n');
});

test('without an id no id line is written (the browser keeps its previous Last-Event-ID)', () => {
  assert.equal(sseEvent({ event: 'alert', data: 'x' }), 'event: alert\ndata: x\n\n');
});

test("an empty id resets the browser's Last-Event-ID with a bare 'id:' field", () => {
  assert.equal(sseEvent({ id: '', event: 'resync', data: '{}' }), 'id:\nevent: resync\ndata: {}\n\n');
});

test('multi-line data becomes one data line per line, whatever the line break', () => {
  assert.equal(sseEvent({ data: 'one\ntwo\r\nthree\rfour' }), 'data: one\ndata: two\ndata: three\ndata: four\n\n');
});

test('an id-only frame (empty data) carries no data line', () => {
  assert.equal(sseEvent({ id: 't@0:1', data: '' }), 'id: t@0:1\n\n');
});

test('line breaks and NUL in id, event name and comment cannot start a new field', () => {
  const frame = sseEvent({ id: 'a\nevent: evil\0', event: 'x\r\ndata: injected', data: 'ok' });
  assert.equal(frame, 'id: a event: evil \nevent: x  data: injected\ndata: ok\n\n');
  assert.equal(frame.split('\n').filter((line) => line.startsWith('data:')).length, 1);
  assert.equal(sseComment('hi\nretry: 1'), ': hi retry: 1\n\n');
});

test('retry is a whole, non-negative number of milliseconds', () => {
  assert.equal(sseRetry(3000.4), 'retry: 3000\n\n');
  assert.equal(sseRetry(-5), 'retry: 0\n\n');
});
