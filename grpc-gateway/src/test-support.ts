// Shared by the gateway's unit tests (not a test file itself).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import pg from 'pg';
import type { Logger } from '@iot/runtime';

/** The local Postgres (trust auth, database iot); SQL tests use temporary tables only. */
export const DATABASE_URL = 'postgres://iot:iot@127.0.0.1:5432/iot';

/** false when Postgres answers, else why not: the `skip` of tests that need it. */
export const postgresUnreachable: string | false = await (async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return false;
  } catch (error) {
    return `Postgres at ${DATABASE_URL} is not reachable (${(error as Error).message})`;
  }
})();

export const silentLogger = { error() {}, warn() {}, info() {}, debug() {} } as unknown as Logger;

/** A pool that fails the test when anything touches it: for requests refused before any SQL. */
export const noPool = new Proxy({}, { get: () => assert.fail('the database must not be touched') }) as pg.Pool;

/** The local stack's broker. */
export const KAFKA_BROKER = process.env.KAFKA_BROKERS?.split(',')[0] ?? '127.0.0.1:9092';

/** false when the broker accepts connections, else why not: the `skip` of tests that need Kafka. */
export const kafkaUnreachable: string | false = await new Promise((resolve) => {
  const at = KAFKA_BROKER.lastIndexOf(':');
  const socket = connect({ host: KAFKA_BROKER.slice(0, at), port: Number(KAFKA_BROKER.slice(at + 1)), timeout: 2000 });
  const fail = (why: string) => {
    socket.destroy();
    resolve(`Kafka at ${KAFKA_BROKER} is not reachable (${why})`);
  };
  socket.once('connect', () => {
    socket.destroy();
    resolve(false);
  });
  socket.once('timeout', () => fail('no answer in 2 s'));
  socket.once('error', (error) => fail(error.message));
});
