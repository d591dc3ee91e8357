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
