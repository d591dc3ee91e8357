import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import type { GetWindowCountsRequest__Output, GetWindowCountsResponse, WindowCountMessage } from '@iot/contracts/grpc';
import { RpcError } from '../grpc-errors.ts';
import {
  decodePageToken, encodePageToken, getWindowCountsHandler, MAX_RANGE_MS, toWindowCount, validateGetWindowCounts, type GetWindowCountsDeps, type WindowCountRow,
} from './get-window-counts.ts';
import { DATABASE_URL, noPool, postgresUnreachable, silentLogger } from '../test-support.ts';


const T0 = Date.UTC(2026, 0, 1, 12, 0); // a minute boundary
const MIN = 60_000;
const request = (fields: Partial<GetWindowCountsRequest__Output> = {}): GetWindowCountsRequest__Output => ({
  sensorId: 's-1', fromMs: T0, toMs: T0 + 60 * MIN, pageSize: 0, pageToken: '', ...fields,
});

interface Answer {
  error: Partial<grpc.StatusObject> | null;
  value: GetWindowCountsResponse | null | undefined;
}
function invoke(deps: GetWindowCountsDeps, req: GetWindowCountsRequest__Output, deadline: grpc.Deadline = Infinity): Promise<Answer> {
  const handler = getWindowCountsHandler(deps);
  return new Promise((resolve) => {
    const call = { request: req, getDeadline: () => deadline, metadata: new grpc.Metadata() } as unknown as grpc.ServerUnaryCall<GetWindowCountsRequest__Output, GetWindowCountsResponse>;
    handler(call, (error, value) => resolve({ error, value }));
  });
}

const invalid = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof RpcError, String(error));
  assert.equal(grpc.status[error.code], 'INVALID_ARGUMENT');
  assert.match(error.message, pattern);
  return true;
};

test('validation: each wrong field is INVALID_ARGUMENT naming it; the database is not touched', async () => {
  const cases: Array<[Partial<GetWindowCountsRequest__Output>, RegExp]> = [
    [{ sensorId: '' }, /^sensor_id: must not be empty$/],
    [{ sensorId: '   ' }, /^sensor_id: must not be empty$/],
    [{ fromMs: T0, toMs: T0 }, /^from_ms: must be less than to_ms/],
    [{ fromMs: T0 + 1, toMs: T0 }, /^from_ms: must be less than to_ms/],
    [{ fromMs: 0, toMs: 0 }, /^from_ms: must be less than to_ms/],
    [{ toMs: T0 + MAX_RANGE_MS + 1 }, /^to_ms: the range from_ms\.\.to_ms is at most 31 days/],
    [{ fromMs: 2 ** 53 }, /^from_ms: .* is not a valid epoch millisecond time$/],
    [{ toMs: 9e15 }, /^to_ms: .* is not a valid epoch millisecond time$/],
    [{ pageSize: -1 }, /^page_size: must be between 0 \(the default, 500\) and 5000, got -1$/],
    [{ pageSize: 5001 }, /^page_size: must be between 0 \(the default, 500\) and 5000, got 5001$/],
    [{ pageToken: 'not a token!' }, /^page_token: is not a token this service issued/],
  ];
  for (const [fields, message] of cases) {
    assert.throws(() => validateGetWindowCounts(request(fields)), invalid(message), JSON.stringify(fields));
    const { error } = await invoke({ pool: noPool, logger: silentLogger }, request(fields));
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error?.details ?? '', message);
  }
});

test('validation: page_size 0 is 500, 5000 is allowed, exactly 31 days is allowed', () => {
  assert.equal(validateGetWindowCounts(request({ pageSize: 0 })).pageSize, 500);
  assert.equal(validateGetWindowCounts(request({ pageSize: 5000 })).pageSize, 5000);
  assert.equal(validateGetWindowCounts(request({ pageSize: 1 })).pageSize, 1);
  assert.deepEqual(validateGetWindowCounts(request({ toMs: T0 + MAX_RANGE_MS })), { sensorId: 's-1', fromMs: T0, toMs: T0 + MAX_RANGE_MS, pageSize: 500, afterMs: undefined });
  assert.equal(MAX_RANGE_MS, 31 * 86_400_000);
});

test('page token: round trip, and opaque (base64url, no query parameters in clear)', () => {
  const query = { sensorId: 'plant-a-temperature-1', fromMs: T0, toMs: T0 + 60 * MIN };
  const token = encodePageToken(query, T0 + 7 * MIN);
  assert.match(token, /^[A-Za-z0-9_-]+$/);
  assert.doesNotMatch(Buffer.from(token, 'base64url').toString(), /plant-a-temperature-1/);
  assert.equal(decodePageToken(token, query), T0 + 7 * MIN);
  assert.equal(validateGetWindowCounts(request({ ...query, pageSize: 10, pageToken: token })).afterMs, T0 + 7 * MIN);
});

test('page token: used with another sensor_id, from_ms or to_ms it is "page_token does not belong to this query"', () => {
  const query = { sensorId: 's-1', fromMs: T0, toMs: T0 + 60 * MIN };
  const token = encodePageToken(query, T0 + 5 * MIN);
  for (const other of [{ ...query, sensorId: 's-2' }, { ...query, fromMs: T0 - MIN }, { ...query, toMs: T0 + 61 * MIN }]) {
    assert.throws(() => decodePageToken(token, other), invalid(/^page_token does not belong to this query/));
    assert.throws(() => validateGetWindowCounts(request({ ...other, pageToken: token })), invalid(/^page_token does not belong to this query/));
  }
  // page_size is not part of the query: it may change from page to page.
  assert.equal(validateGetWindowCounts(request({ ...query, pageSize: 7, pageToken: token })).afterMs, T0 + 5 * MIN);
});

test('page token: an edited, truncated or forged token is refused', () => {
  const query = { sensorId: 's-1', fromMs: T0, toMs: T0 + 60 * MIN };
  const token = encodePageToken(query, T0 + 5 * MIN);
  const payload = JSON.parse(Buffer.from(token, 'base64url').toString()) as Record<string, unknown>;
  const reencode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const tampered = [
    reencode({ ...payload, after: T0 + 6 * MIN }), // jump to another place
    reencode({ ...payload, v: 2 }),
    reencode({ after: payload.after, q: payload.q }), // no check
    token.slice(0, -3),
    `${token}A`,
    token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11),
    reencode([1, 2, 3]),
    reencode('x'),
    Buffer.from('{"v":1,').toString('base64url'),
    'a.b',
    encodePageToken(query, T0 + 60 * MIN), // valid form, but after the range: no page of this query ends there
    encodePageToken(query, T0 - MIN),
  ];
  for (const bad of tampered) assert.throws(() => decodePageToken(bad, query), invalid(/^page_token: is not a token this service issued/), bad);
});

test('row to WindowCount: bigint count as a number, times in ms, NULL event times as 0', () => {
  const row: WindowCountRow = {
    sensor_id: 's-1', window_start: new Date(T0), window_end: new Date(T0 + MIN), count: '12', min: -1.5, max: 7.25, sum: 30, mean: 2.5, final: true,
    first_event_time: new Date(T0 + 1234), last_event_time: new Date(T0 + 59_999),
  };
  assert.deepEqual(toWindowCount(row), {
    sensorId: 's-1', windowStartMs: T0, windowEndMs: T0 + MIN, count: 12, min: -1.5, max: 7.25, sum: 30, mean: 2.5, final: true,
    firstEventTimeMs: T0 + 1234, lastEventTimeMs: T0 + 59_999,
  });
  const old = toWindowCount({ ...row, first_event_time: null, last_event_time: null });
  assert.equal(old.firstEventTimeMs, 0);
  assert.equal(old.lastEventTimeMs, 0);
});

test('a call whose deadline has passed is DEADLINE_EXCEEDED before any query', async () => {
  const { error } = await invoke({ pool: noPool, logger: silentLogger }, request(), new Date(Date.now() - 1));
  assert.equal(error?.code, grpc.status.DEADLINE_EXCEEDED);
});

// ---------------------------------------------------------------------------------------------
// Against Postgres: one pooled connection holding a session-private TEMP TABLE window_counts_1m
// (LIKE the real one: columns, key), which the handler's unqualified table name resolves to.
// Nothing is written to the shared table.

let pool: pg.Pool;
/** Minutes (from T0) of the final windows of s-1 inside [T0, T0 + 60 min). */
const FINAL_MINUTES = [0, 1, 2, 5, 6, 9, 10, 30, 59];
before(async () => {
  if (postgresUnreachable) return;
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, idleTimeoutMillis: 0 });
  await pool.query('CREATE TEMP TABLE window_counts_1m (LIKE public.window_counts_1m INCLUDING ALL)');
  const insert = (sensorId: string, minute: number, final: boolean, eventTimes = true) =>
    pool.query(
      `INSERT INTO window_counts_1m (sensor_id, window_start, window_end, count, min, max, sum, mean, final, first_event_time, last_event_time)
       VALUES ($1, $2, $3, $4, 1, 9, $5, $6, $7, $8, $9)`,
      [sensorId, new Date(T0 + minute * MIN), new Date(T0 + (minute + 1) * MIN), minute + 1, 5 * (minute + 1), 5, final,
        eventTimes ? new Date(T0 + minute * MIN + 100) : null, eventTimes ? new Date(T0 + minute * MIN + 59_900) : null],
    );
  for (const minute of FINAL_MINUTES) await insert('s-1', minute, true, minute !== 2);
  await insert('s-1', 3, false); // still open: not a closed window
  await insert('s-1', 60, true); // starts at to_ms: outside [from, to)
  await insert('s-1', -1, true); // before from_ms
  await insert('s-10', 4, true); // another sensor (and a prefix of nothing: exact match)
  await insert('s-', 4, true);
});
after(async () => {
  await pool?.end();
});

async function allPages(pageSize: number): Promise<{ pages: WindowCountMessage[][]; tokens: string[] }> {
  const pages: WindowCountMessage[][] = [];
  const tokens: string[] = [];
  let pageToken = '';
  do {
    const { error, value } = await invoke({ pool, logger: silentLogger }, request({ pageSize, pageToken }), Date.now() + 10_000);
    assert.equal(error, null, JSON.stringify(error));
    pages.push(value!.windowCounts!);
    pageToken = value!.nextPageToken!;
    tokens.push(pageToken);
    assert.ok(pages.length < 50, 'pagination terminates');
  } while (pageToken !== '');
  return { pages, tokens };
}

test('GetWindowCounts: closed windows of the sensor in [from, to), oldest first, mapped from the row', { skip: postgresUnreachable }, async () => {
  const { error, value } = await invoke({ pool, logger: silentLogger }, request(), Date.now() + 10_000);
  assert.equal(error, null);
  assert.deepEqual(value!.windowCounts!.map((w) => (Number(w.windowStartMs) - T0) / MIN), FINAL_MINUTES);
  assert.equal(value!.nextPageToken, '', 'everything fits in the default page: no next page');
  const five = value!.windowCounts!.find((w) => w.windowStartMs === T0 + 5 * MIN)!;
  assert.deepEqual(five, {
    sensorId: 's-1', windowStartMs: T0 + 5 * MIN, windowEndMs: T0 + 6 * MIN, count: 6, min: 1, max: 9, sum: 30, mean: 5, final: true,
    firstEventTimeMs: T0 + 5 * MIN + 100, lastEventTimeMs: T0 + 5 * MIN + 59_900,
  });
  const two = value!.windowCounts!.find((w) => w.windowStartMs === T0 + 2 * MIN)!;
  assert.deepEqual([two.firstEventTimeMs, two.lastEventTimeMs], [0, 0], 'NULL event times: 0');
});

test('GetWindowCounts: keyset pages of page_size cover every window once; the last page has no token', { skip: postgresUnreachable }, async () => {
  for (const pageSize of [1, 2, 3, 4, 9, 10]) {
    const { pages, tokens } = await allPages(pageSize);
    const starts = pages.flat().map((w) => (Number(w.windowStartMs) - T0) / MIN);
    assert.deepEqual(starts, FINAL_MINUTES, `page_size ${pageSize}`);
    assert.ok(pages.every((page) => page.length <= pageSize));
    // Exactly as many pages as needed: a full last page does not lead to an empty one.
    assert.equal(pages.length, Math.ceil(FINAL_MINUTES.length / pageSize), `page_size ${pageSize}`);
    assert.equal(tokens.at(-1), '');
    assert.ok(tokens.slice(0, -1).every((token) => token !== ''));
  }
});

test('GetWindowCounts: a page continues after the last window returned, even when rows were added before it meanwhile', { skip: postgresUnreachable }, async () => {
  const first = await invoke({ pool, logger: silentLogger }, request({ pageSize: 3 }));
  assert.deepEqual(first.value!.windowCounts!.map((w) => (Number(w.windowStartMs) - T0) / MIN), [0, 1, 2]);
  await pool.query('UPDATE window_counts_1m SET final = true WHERE sensor_id = $1 AND window_start = $2', ['s-1', new Date(T0 + 3 * MIN)]);
  try {
    const second = await invoke({ pool, logger: silentLogger }, request({ pageSize: 3, pageToken: first.value!.nextPageToken! }));
    assert.deepEqual(second.value!.windowCounts!.map((w) => (Number(w.windowStartMs) - T0) / MIN), [3, 5, 6], 'no window repeated or skipped');
  } finally {
    await pool.query('UPDATE window_counts_1m SET final = false WHERE sensor_id = $1 AND window_start = $2', ['s-1', new Date(T0 + 3 * MIN)]);
  }
});

test('GetWindowCounts: a token from one query, used with another, is INVALID_ARGUMENT and runs no query', { skip: postgresUnreachable }, async () => {
  const first = await invoke({ pool, logger: silentLogger }, request({ pageSize: 2 }));
  const token = first.value!.nextPageToken!;
  assert.notEqual(token, '');
  const { error } = await invoke({ pool: noPool, logger: silentLogger }, request({ pageSize: 2, pageToken: token, toMs: T0 + 30 * MIN }));
  assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
  assert.match(error?.details ?? '', /^page_token does not belong to this query/);
});

test('GetWindowCounts: a sensor with no windows, or a range with none, is an empty last page', { skip: postgresUnreachable }, async () => {
  for (const fields of [{ sensorId: 'nobody' }, { fromMs: T0 + 11 * MIN, toMs: T0 + 30 * MIN }]) {
    const { error, value } = await invoke({ pool, logger: silentLogger }, request(fields));
    assert.equal(error, null);
    assert.deepEqual(value, { windowCounts: [], nextPageToken: '' });
  }
});
