import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readConnectorConfigs } from './connect.ts';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'connect-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('the committed connector configs are well formed and name secrets only through ${env:...}', () => {
  const connectors = readConnectorConfigs();
  assert.ok(connectors.length > 0);
  for (const { name, config } of connectors) {
    for (const key of ['connection.url', 'connection.username', 'connection.password']) {
      if (config[key] !== undefined) assert.match(config[key], /^\$\{env:[A-Z_]+\}$/, `${name}: ${key} must come from the environment`);
    }
  }
});

test('a broken connector file is reported with its file and the field that is wrong', () => {
  assert.throws(() => readConnectorConfigs(dirWith({ 'a.json': '{ not json' })), /connect-config\/a\.json: not valid JSON/);
  assert.throws(() => readConnectorConfigs(dirWith({ 'b.json': '{"config": {}}' })), /b\.json: "name" must be a non-empty string/);
  assert.throws(() => readConnectorConfigs(dirWith({ 'c.json': '{"name": "c", "config": {"tasks.max": 1}}' })), /c\.json: config "tasks\.max" must be a string/);
  assert.throws(() => readConnectorConfigs(dirWith({ 'd.json': '{"name": "d", "config": {"topics": "x"}}' })), /d\.json: config needs "connector\.class"/);
});
