import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { Metadata, status, type Deadline, type ServerUnaryCall } from '@grpc/grpc-js';
import pg from 'pg';
import type { Logger } from '@iot/runtime';
import { checkStringList, isUnavailable, MAX_QUERY_MS, readWithDeadline, remainingMs, RpcError, toStatus, unaryHandler } from './grpc-errors.ts';
import { DATABASE_URL, postgresUnreachable } from './test-support.ts';

// The SQL tests run against the local Postgres (trust auth, database iot) and touch no table:
// they are skipped, saying why, when it is not reachable.
interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}
function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => lines.push({ level, fields, message });
  const logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  return { logger: logger as unknown as Logger, lines };
}

const fakeCall = <Req>(request: Req, deadline: Deadline = Infinity) =>
  ({ request, getDeadline: () => deadline, metadata: new Metadata() }) as unknown as ServerUnaryCall<Req, unknown>;

const expectRpcError = (code: status, pattern?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof RpcError, `expected an RpcError, got ${String(error)}`);
  assert.equal(status[error.code], status[code]);
  if (pattern) assert.match(error.message, pattern);
  return true;
};

test('checkStringList names the field and the entry that is wrong', () => {
  assert.doesNotThrow(() => checkStringList('site_ids', [], 3));
  assert.doesNotThrow(() => checkStringList('site_ids', ['a', 'b', 'c'], 3));
  assert.throws(() => checkStringList('site_ids', ['a', 'b', 'c', 'd'], 3), expectRpcError(status.INVALID_ARGUMENT, /^site_ids: at most 3 entries, got 4$/));
  assert.throws(() => checkStringList('sensor_types', ['a', ' \t'], 3), expectRpcError(status.INVALID_ARGUMENT, /^sensor_types\[1\]: must not be empty$/));
});

test('remainingMs reads both forms of a grpc-js deadline; no deadline is Infinity', () => {
  assert.equal(remainingMs(Infinity, 1000), Infinity);
  assert.equal(remainingMs(1500, 1000), 500);
  assert.equal(remainingMs(new Date(900), 1000), -100);
});

test('unaryHandler answers DEADLINE_EXCEEDED without running a call whose deadline has passed', async () => {
  let ran = false;
  const handler = unaryHandler('Test', captureLogger().logger, async () => {
    ran = true;
    return {};
  });
  const answers: unknown[][] = [];
  handler(fakeCall({}, Date.now() - 1), (...args) => answers.push(args));
  assert.equal(answers.length, 1);
  assert.equal((answers[0]![0] as { code: status }).code, status.DEADLINE_EXCEEDED);
  assert.equal(ran, false);
});

test('unaryHandler answers once: the value, or the status of what was thrown', async () => {
  const { logger } = captureLogger();
  const ok = unaryHandler('Test', logger, async (call: ServerUnaryCall<{ n: number }, { doubled: number }>) => ({ doubled: call.request.n * 2 }));
  const fail = unaryHandler('Test', logger, async () => {
    throw new RpcError(status.NOT_FOUND, 'nothing here');
  });
  const answer = (handler: typeof ok | typeof fail, request: { n: number }) =>
    new Promise<unknown[]>((resolve) => handler(fakeCall(request, new Date(Date.now() + 60_000)) as never, (...args: unknown[]) => resolve(args)));
  assert.deepEqual(await answer(ok, { n: 21 }), [null, { doubled: 42 }]);
  assert.deepEqual(await answer(fail, { n: 1 }), [{ code: status.NOT_FOUND, details: 'nothing here' }]);
});

test('toStatus: a database that is down is UNAVAILABLE, anything unexpected INTERNAL, neither leaks the SQL, both are logged in full', () => {
  const { logger, lines } = captureLogger();
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const down = toStatus(refused, 'ListSensors', logger);
  assert.equal(down.code, status.UNAVAILABLE);
  assert.equal(down.details, 'the database is unavailable; retry later');

  const sqlError = Object.assign(new Error('relation "window_counts_1m" does not exist'), { code: '42P01', position: '15', query: 'SELECT sensor_id FROM window_counts_1m' });
  const bug = toStatus(sqlError, 'GetWindowCounts', logger);
  assert.equal(bug.code, status.INTERNAL);
  assert.doesNotMatch(bug.details!, /window_counts_1m|SELECT|relation/);
  assert.match(bug.details!, /GetWindowCounts/);

  assert.deepEqual(lines.map((line) => [line.level, line.fields.method, line.fields.err]), [
    ['error', 'ListSensors', refused],
    ['error', 'GetWindowCounts', sqlError],
  ]);
});

test('isUnavailable: connection and resource SQLSTATEs, socket errors, pg pool and client messages; not query errors', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  for (const code of ['08006', '08001', '53300', '57P01', '57P03', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND']) assert.ok(isUnavailable(withCode(code)), code);
  assert.ok(isUnavailable(new Error('Connection terminated unexpectedly')));
  assert.ok(isUnavailable(new Error('timeout exceeded when trying to connect')));
  assert.ok(isUnavailable(new AggregateError([withCode('ECONNREFUSED')], 'all addresses failed')));
  for (const code of ['42P01', '42703', '22P02', '57014', '23505']) assert.equal(isUnavailable(withCode(code)), false, code);
  assert.equal(isUnavailable('ECONNREFUSED'), false, 'only errors');
});

test('a database that refuses connections: UNAVAILABLE through readWithDeadline and toStatus', async () => {
  // A port that was free a moment ago: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'iot', database: 'iot', connectionTimeoutMillis: 2000 });
  pool.on('error', () => {});
  try {
    const error = await readWithDeadline(pool, Date.now() + 5000, async () => 'unreachable').then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    const { logger, lines } = captureLogger();
    const answer = toStatus(error, 'ListSensors', logger);
    assert.equal(answer.code, status.UNAVAILABLE);
    assert.equal(lines[0]?.level, 'error');
  } finally {
    await pool.end();
  }
});

test('readWithDeadline: statement_timeout is the time left before the deadline (at most MAX_QUERY_MS), local to the transaction', { skip: postgresUnreachable }, async () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const before = (await pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout;
    const inside = async (deadline: Deadline) =>
      readWithDeadline(pool, deadline, async (client) => {
        const { rows } = await client.query<{ ms: string; ro: string }>(
          "SELECT setting AS ms, current_setting('transaction_read_only') AS ro FROM pg_settings WHERE name = 'statement_timeout'");
        return rows[0]!;
      });
    const withDeadline = await inside(Date.now() + 5000);
    const ms = Number(withDeadline.ms); // pg_settings: in milliseconds
    assert.ok(ms > 4000 && ms <= 5000, `statement_timeout ${withDeadline.ms} for a deadline 5 s away`);
    assert.equal(withDeadline.ro, 'on', 'a read-only transaction');
    assert.equal((await inside(Infinity)).ms, String(MAX_QUERY_MS), 'no deadline: the cap');
    assert.equal((await inside(new Date(Date.now() + 3_600_000))).ms, String(MAX_QUERY_MS), 'a far deadline: the cap');
    const after = (await pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout;
    assert.equal(after, before, 'the pooled connection keeps its own setting');
  } finally {
    await pool.end();
  }
});

test('readWithDeadline: a query still running at the deadline is cancelled by Postgres and answered DEADLINE_EXCEEDED; the connection stays usable', { skip: postgresUnreachable }, async () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const started = Date.now();
    await assert.rejects(
      readWithDeadline(pool, Date.now() + 300, async (client) => client.query('SELECT pg_sleep(5)')),
      expectRpcError(status.DEADLINE_EXCEEDED, /during the database query/),
    );
    const took = Date.now() - started;
    assert.ok(took >= 250 && took < 2000, `cancelled after ${took} ms`);
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    assert.equal(rows[0]!.one, 1);
    assert.equal(pool.totalCount, 1, 'the same connection, rolled back and reused');
  } finally {
    await pool.end();
  }
});

test('readWithDeadline: waiting for a free connection counts against the deadline; a connection that frees up later goes back to the pool', { skip: postgresUnreachable }, async () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const held = await pool.connect();
    let ran = false;
    await assert.rejects(
      readWithDeadline(pool, Date.now() + 200, async () => {
        ran = true;
      }),
      expectRpcError(status.DEADLINE_EXCEEDED, /waiting for a free database connection/),
    );
    assert.equal(ran, false);
    held.release();
    // The abandoned wait received the connection and must have released it at once.
    const again = await readWithDeadline(pool, Date.now() + 2000, async (client) => (await client.query<{ n: number }>('SELECT 2 AS n')).rows[0]!.n);
    assert.equal(again, 2);
    assert.equal(pool.waitingCount, 0);
  } finally {
    await pool.end();
  }
});

test('readWithDeadline: an error in the work rolls back, passes through unchanged and leaves no transaction open', { skip: postgresUnreachable }, async () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  try {
    const error = await readWithDeadline(pool, Infinity, async (client) => client.query('SELECT * FROM table_that_does_not_exist_8f3a')).catch((e: unknown) => e);
    assert.equal((error as { code?: string }).code, '42P01');
    const { rows } = await pool.query<{ state: string }>("SELECT current_setting('transaction_read_only') AS state");
    assert.equal(rows[0]!.state, 'off', 'back outside the read-only transaction');
  } finally {
    await pool.end();
  }
});
