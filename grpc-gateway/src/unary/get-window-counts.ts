import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { Pool } from 'pg';
import type { GetWindowCountsRequest__Output, GetWindowCountsResponse, PipelineServiceHandlers, WindowCountMessage } from '@iot/contracts/grpc';
import type { Logger } from '@iot/runtime';
import { invalidArgument, readWithDeadline, RpcError, unaryHandler } from '../grpc-errors.ts';

export const DEFAULT_PAGE_SIZE = 500;
export const MAX_PAGE_SIZE = 5000;
export const MAX_RANGE_MS = 31 * 24 * 3600 * 1000;
const MAX_DATE_MS = 8.64e15; // the range of a JavaScript Date (and well inside Postgres timestamptz)

export interface GetWindowCountsDeps {
  pool: Pool;
  logger: Logger;
}

/** The query a page belongs to: a page token is only valid with the same three. */
export interface WindowQuery {
  sensorId: string;
  fromMs: number;
  toMs: number;
}

export interface ValidWindowCountsRequest extends WindowQuery {
  pageSize: number;
  /** window_start (epoch ms) of the last window of the previous page; undefined on the first page. */
  afterMs: number | undefined;
}

/** A row of window_counts_1m as pg returns it (bigint: string, timestamptz: Date). */
export interface WindowCountRow {
  sensor_id: string;
  window_start: Date;
  window_end: Date;
  count: string;
  min: number;
  max: number;
  sum: number;
  mean: number;
  final: boolean;
  first_event_time: Date | null;
  last_event_time: Date | null;
}

// ---------------------------------------------------------------------------------------------
// Page tokens: base64url of {"v":1,"after":<window_start ms>,"q":<query fingerprint>,"c":<check>}.
// Opaque to clients. `q` ties the token to its sensor_id/from_ms/to_ms; `c` covers the whole token
// so that an edited or truncated one is refused rather than silently moving the page. (Not a
// secret MAC: a token only ever selects windows the caller could query directly.)

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 22);
const fingerprint = (query: WindowQuery): string => digest(JSON.stringify(['iot.v1.GetWindowCounts', query.sensorId, query.fromMs, query.toMs]));
const check = (q: string, after: number): string => digest(JSON.stringify(['page', q, after]));

export function encodePageToken(query: WindowQuery, afterMs: number): string {
  const q = fingerprint(query);
  return Buffer.from(JSON.stringify({ v: 1, after: afterMs, q, c: check(q, afterMs) })).toString('base64url');
}

/** The window_start after which the page starts; INVALID_ARGUMENT when the token is damaged or from another query. */
export function decodePageToken(token: string, query: WindowQuery): number {
  const malformed = () => invalidArgument('page_token', 'is not a token this service issued (pass next_page_token from the previous response unchanged)');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw malformed();
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.toString('base64url') !== token) throw malformed(); // the decoder skips stray characters; only the exact encoding is ours
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw malformed();
  }
  if (typeof parsed !== 'object' || parsed === null) throw malformed();
  const { v, after, q, c } = parsed as Record<string, unknown>;
  if (v !== 1 || typeof after !== 'number' || !Number.isSafeInteger(after) || typeof q !== 'string' || typeof c !== 'string' || c !== check(q, after)) throw malformed();
  if (q !== fingerprint(query)) throw new RpcError(status.INVALID_ARGUMENT, 'page_token does not belong to this query (it was issued for another sensor_id, from_ms or to_ms)');
  if (after < query.fromMs || after >= query.toMs) throw malformed(); // cannot come from this query's pages
  return after;
}

// ---------------------------------------------------------------------------------------------

const epochMs = (field: string, value: number): number => {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_DATE_MS) throw invalidArgument(field, `${value} is not a valid epoch millisecond time`);
  return value;
};

/** Checks a GetWindowCounts request; throws INVALID_ARGUMENT naming the field. */
export function validateGetWindowCounts(request: GetWindowCountsRequest__Output): ValidWindowCountsRequest {
  const sensorId = request.sensorId;
  if (sensorId.trim() === '') throw invalidArgument('sensor_id', 'must not be empty');
  const fromMs = epochMs('from_ms', request.fromMs);
  const toMs = epochMs('to_ms', request.toMs);
  if (fromMs >= toMs) throw invalidArgument('from_ms', `must be less than to_ms (from_ms ${fromMs}, to_ms ${toMs})`);
  if (toMs - fromMs > MAX_RANGE_MS) throw invalidArgument('to_ms', `the range from_ms..to_ms is at most 31 days (${MAX_RANGE_MS} ms), got ${toMs - fromMs} ms`);
  const requested = request.pageSize;
  if (!Number.isInteger(requested) || requested < 0 || requested > MAX_PAGE_SIZE) throw invalidArgument('page_size', `must be between 0 (the default, ${DEFAULT_PAGE_SIZE}) and ${MAX_PAGE_SIZE}, got ${requested}`);
  const pageSize = requested === 0 ? DEFAULT_PAGE_SIZE : requested;
  const query = { sensorId, fromMs, toMs };
  const afterMs = request.pageToken === '' ? undefined : decodePageToken(request.pageToken, query);
  return { ...query, pageSize, afterMs };
}

// Keyset pagination on the primary key (sensor_id, window_start): each page is an index range
// scan that starts after the previous page's last window, however deep the page.
const COLUMNS = 'sensor_id, window_start, window_end, count, min, max, sum, mean, final, first_event_time, last_event_time';
const FIRST_PAGE = `SELECT ${COLUMNS} FROM window_counts_1m
  WHERE sensor_id = $1 AND window_start >= $2 AND window_start < $3 AND final
  ORDER BY window_start LIMIT $4`;
const NEXT_PAGE = `SELECT ${COLUMNS} FROM window_counts_1m
  WHERE sensor_id = $1 AND window_start > $2 AND window_start < $3 AND final
  ORDER BY window_start LIMIT $4`;

/** A window_counts_1m row as a WindowCount message; unknown first/last event times are 0. */
export function toWindowCount(row: WindowCountRow): WindowCountMessage {
  return {
    sensorId: row.sensor_id,
    windowStartMs: row.window_start.getTime(),
    windowEndMs: row.window_end.getTime(),
    count: Number(row.count),
    min: row.min,
    max: row.max,
    sum: row.sum,
    mean: row.mean,
    final: row.final,
    firstEventTimeMs: row.first_event_time?.getTime() ?? 0,
    lastEventTimeMs: row.last_event_time?.getTime() ?? 0,
  };
}

/** GetWindowCounts: one sensor's closed windows starting in [from_ms, to_ms), oldest first, a page at a time. */
export function getWindowCountsHandler(deps: GetWindowCountsDeps): PipelineServiceHandlers['GetWindowCounts'] {
  return unaryHandler('GetWindowCounts', deps.logger, async (call): Promise<GetWindowCountsResponse> => {
    const request = validateGetWindowCounts(call.request);
    const { sensorId, fromMs, toMs, pageSize, afterMs } = request;
    // One row more than the page: whether it exists says whether there is a next page.
    // Times go to pg as Dates (exact milliseconds, no float rounding).
    const rows = await readWithDeadline(deps.pool, call.getDeadline(), async (client) =>
      (await client.query<WindowCountRow>(afterMs === undefined ? FIRST_PAGE : NEXT_PAGE, [sensorId, new Date(afterMs ?? fromMs), new Date(toMs), pageSize + 1])).rows,
    );
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    const more = rows.length > pageSize && last !== undefined;
    return { windowCounts: page.map(toWindowCount), nextPageToken: more ? encodePageToken(request, last.window_start.getTime()) : '' };
  });
}
