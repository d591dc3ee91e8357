import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { AVRO_SCHEMAS, TOPICS, WINDOW_COUNTS_TOPIC } from './index.ts';

const contractsDir = fileURLToPath(new URL('..', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

test('the committed generated gRPC types match the .proto files', () => {
  const out = mkdtempSync(join(tmpdir(), 'contracts-gen-'));
  execFileSync(process.execPath, [join(contractsDir, 'scripts', 'gen.mjs'), out], { stdio: 'pipe' });
  const committedDir = join(contractsDir, 'src', 'generated');
  const fresh = listFiles(out).map((file) => relative(out, file)).sort();
  assert.deepEqual(listFiles(committedDir).map((file) => relative(committedDir, file)).sort(), fresh);
  for (const file of fresh) {
    assert.equal(readFileSync(join(committedDir, file), 'utf8'), readFileSync(join(out, file), 'utf8'), `${file} is stale: run npm run gen`);
  }
});

test('every Avro schema parses and a window count round-trips with its key', () => {
  const keyType = avro.Type.forSchema(JSON.parse(AVRO_SCHEMAS.windowCountKey.text));
  const valueType = avro.Type.forSchema(JSON.parse(AVRO_SCHEMAS.windowCount.text));
  avro.Type.forSchema(JSON.parse(AVRO_SCHEMAS.sensorReading.text));
  const key = { sensorId: 's1', windowStart: Date.UTC(2026, 0, 1) };
  const value = { ...key, windowEnd: key.windowStart + 60_000, count: 3, min: 1, max: 3, sum: 6, mean: 2, final: true };
  assert.deepEqual({ ...keyType.fromBuffer(keyType.toBuffer(key)) }, key);
  assert.deepEqual({ ...valueType.fromBuffer(valueType.toBuffer(value)) }, value);
});

test('result topics are compacted and the readings topic has 6 partitions', () => {
  const byName = new Map(TOPICS.map((topic) => [topic.name, topic]));
  assert.equal(byName.get(WINDOW_COUNTS_TOPIC)?.configs['cleanup.policy'], 'compact');
  assert.equal(byName.get('iot.sensor-readings')?.partitions, 6);
});
