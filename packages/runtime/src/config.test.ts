import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { ConfigError, envVar, parseEnv } from './config.ts';

const schema = z.object({ PORT: envVar.port(8080), KAFKA_BROKERS: envVar.brokers('127.0.0.1:9092'), METRICS_PORT: envVar.portOrOff(9000) });

test('defaults apply when env vars are unset', () => {
  assert.deepEqual(parseEnv('svc', schema, {}), { PORT: 8080, KAFKA_BROKERS: ['127.0.0.1:9092'], METRICS_PORT: 9000 });
});

test('every bad env var is listed by name and value in one error', () => {
  assert.throws(
    () => parseEnv('svc', schema, { PORT: '70000', KAFKA_BROKERS: 'nohost', METRICS_PORT: '0' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.startsWith('svc: invalid configuration') &&
      error.message.includes('PORT="70000"') &&
      error.message.includes('KAFKA_BROKERS="nohost"') &&
      !error.message.includes('METRICS_PORT'),
  );
});
