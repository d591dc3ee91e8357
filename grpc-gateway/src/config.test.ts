import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOCAL_GATEWAY_TOKEN } from '@iot/contracts';
import { loadConfig } from './config.ts';

test('defaults: the local-development token, plaintext', () => {
  const config = loadConfig({});
  assert.deepEqual(config.GATEWAY_TOKENS, [LOCAL_GATEWAY_TOKEN]);
  assert.equal(config.GATEWAY_TLS_CERT_FILE, undefined);
  assert.equal(config.GATEWAY_TLS_KEY_FILE, undefined);
  assert.ok(Object.isFrozen(config));
});

test('GATEWAY_TOKENS: comma-separated, trimmed, each 16+ characters; errors never show a token', () => {
  assert.deepEqual(loadConfig({ GATEWAY_TOKENS: ' first-token-0123456 , second-token-012345,' }).GATEWAY_TOKENS, ['first-token-0123456', 'second-token-012345']);
  const secret = 'valid-secret-token-abcdef';
  assert.throws(
    () => loadConfig({ GATEWAY_TOKENS: `${secret},short` }),
    (error: Error) => {
      assert.match(error.message, /GATEWAY_TOKENS \(value not shown, token 2 of 2\): must be at least 16 characters/);
      assert.doesNotMatch(error.message, /valid-secret|short/);
      return true;
    },
  );
  assert.throws(() => loadConfig({ GATEWAY_TOKENS: ' , ' }), /at least one token/);
  assert.throws(() => loadConfig({ GATEWAY_TOKENS: 'has a space in it 0123' }), /printable ASCII without spaces/);
});

test('TLS files: both or neither; empty counts as unset', () => {
  assert.deepEqual(
    { ...loadConfig({ GATEWAY_TLS_CERT_FILE: '/etc/gw.crt', GATEWAY_TLS_KEY_FILE: '/etc/gw.key' }) },
    { ...loadConfig({}), GATEWAY_TLS_CERT_FILE: '/etc/gw.crt', GATEWAY_TLS_KEY_FILE: '/etc/gw.key' },
  );
  assert.equal(loadConfig({ GATEWAY_TLS_CERT_FILE: '', GATEWAY_TLS_KEY_FILE: '' }).GATEWAY_TLS_CERT_FILE, undefined);
  assert.throws(() => loadConfig({ GATEWAY_TLS_CERT_FILE: '/etc/gw.crt' }), /GATEWAY_TLS_KEY_FILE=null: TLS needs both/);
});

test('GetPipelineHealth settings: local-stack defaults; CONNECT_URL without a trailing slash; bad values name the variable', () => {
  const config = loadConfig({});
  assert.deepEqual(
    [config.CONNECT_URL, config.PROCESSOR_GROUP_ID, config.HEALTH_PROBE_TIMEOUT_MS, config.HEALTH_SAMPLE_INTERVAL_MS, config.HEALTH_RATE_WINDOW_MS, config.PROCESSOR_MAX_LAG_RECORDS, config.READINGS_STALE_AFTER_MS, config.WINDOW_COUNTS_STALE_AFTER_MS],
    ['http://127.0.0.1:8083', 'iot-stream-processor', 1500, 5000, 30_000, 10_000, 60_000, 180_000],
  );
  assert.equal(loadConfig({ CONNECT_URL: 'http://connect:8083/' }).CONNECT_URL, 'http://connect:8083');
  assert.throws(() => loadConfig({ CONNECT_URL: 'connect:8083' }), /CONNECT_URL="connect:8083"/);
  assert.throws(() => loadConfig({ PROCESSOR_GROUP_ID: 'has space' }), /PROCESSOR_GROUP_ID="has space": letters, digits/);
  assert.throws(() => loadConfig({ HEALTH_PROBE_TIMEOUT_MS: '10' }), /HEALTH_PROBE_TIMEOUT_MS="10"/);
  assert.throws(() => loadConfig({ HEALTH_SAMPLE_INTERVAL_MS: '20000' }), /HEALTH_RATE_WINDOW_MS=null: must be at least twice HEALTH_SAMPLE_INTERVAL_MS \(20000\)/);
});
