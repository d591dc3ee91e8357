import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_CURSOR_LENGTH, parseLastEventId } from './resume-cursor.ts';

test('no header, or a blank one, means a fresh subscription', () => {
  assert.deepEqual(parseLastEventId(null), { kind: 'none' });
  assert.deepEqual(parseLastEventId(undefined), { kind: 'none' });
  assert.deepEqual(parseLastEventId('  '), { kind: 'none' });
});

test("the gateway's cursors are accepted as they are", () => {
  for (const cursor of ['iot.alerts@0:17', 'iot.window-counts-1m@0:17,1:-1,2:40,3:0,4:999999999999,5:3', 'iot.sensor-readings@12345:-1']) {
    assert.deepEqual(parseLastEventId(cursor), { kind: 'cursor', cursor });
  }
});

test('anything not shaped topic@partition:offset,... is refused with a reason', () => {
  const refused = [
    'iot.alerts', // no positions
    'iot.alerts@', // empty positions
    '@0:1', // no topic
    'iot.alerts@0:1,', // trailing comma
    'iot.alerts@0:-2', // only -1 is negative
    'iot.alerts@0:1.5',
    'iot.alerts@a:1',
    'iot alerts@0:1', // not a topic name character
    'iot.alerts@0:1;DROP TABLE',
    'iot.alerts:0:1', // the old id format (topic:partition:offset)
    'iot.alerts@123456:1', // partition of 6 digits
    'iot.alerts@0:1234567890123456789', // offset of 19 digits
  ];
  for (const header of refused) {
    const result = parseLastEventId(header);
    assert.equal(result.kind, 'invalid', header);
    assert.ok(result.kind === 'invalid' && result.reason.length > 0);
  }
});

test('a partition that appears twice is refused', () => {
  assert.deepEqual(parseLastEventId('iot.alerts@0:1,1:2,0:3'), { kind: 'invalid', reason: 'partition 0 appears twice' });
});

test('an over-long header is refused before any parsing', () => {
  const parts = Array.from({ length: 300 }, (_, partition) => `${partition}:123456789`);
  const long = `iot.alerts@${parts.join(',')}`;
  assert.ok(long.length > MAX_CURSOR_LENGTH);
  assert.deepEqual(parseLastEventId(long), { kind: 'invalid', reason: `longer than ${MAX_CURSOR_LENGTH} characters` });
});

test('more than 256 partitions are refused even within the length cap', () => {
  const parts = Array.from({ length: 257 }, (_, partition) => `${partition}:1`);
  const cursor = `t@${parts.join(',')}`;
  assert.ok(cursor.length <= MAX_CURSOR_LENGTH);
  assert.equal(parseLastEventId(cursor).kind, 'invalid');
});
