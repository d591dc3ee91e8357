import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunksBySize } from './processor.ts';

test('a burst of records is split into sends under the size limit, in order, none lost', () => {
  const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(900) }));
  const chunks = chunksBySize(messages, 100_000);
  assert.ok(chunks.length >= 10);
  assert.deepEqual(chunks.flat(), messages);
  for (const chunk of chunks) assert.ok(chunk.reduce((total, m) => total + 64 + String(m.key).length + String(m.value).length, 0) <= 100_000);
  assert.deepEqual(chunksBySize([]), []);
  assert.equal(chunksBySize([{ key: 'big', value: 'x'.repeat(200_000) }], 100_000).length, 1, 'one oversized record still goes alone');
});
