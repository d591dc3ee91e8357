import { status, type Deadline, type handleUnaryCall, type ServerUnaryCall, type StatusObject } from '@grpc/grpc-js';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from '@iot/runtime';

type ServerStatusResponse = Partial<StatusObject>;

/**
 * What the unary handlers share: errors that carry their gRPC status, request checks that
 * name the field, deadlines, and Postgres reads bounded by the call's deadline.
 */

/** An answer other than OK, with a message for the client (never SQL, never internals). */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

/** INVALID_ARGUMENT, the message starting with the field's name (as in the .proto). */
export const invalidArgument = (field: string, problem: string): RpcError => new RpcError(status.INVALID_ARGUMENT, `${field}: ${problem}`);

/** How many entries a request's list filter (site_ids, sensor_ids, ...) may have. */
export const MAX_FILTER_ENTRIES = 1000;

/** Checks a repeated string filter: at most `max` entries, none empty (or only white space). */
export function checkStringList(field: string, values: readonly string[], max: number): void {
  if (values.length > max) throw invalidArgument(field, `at most ${max} entries, got ${values.length}`);
  const empty = values.findIndex((value) => value.trim() === '');
  if (empty >= 0) throw invalidArgument(`${field}[${empty}]`, 'must not be empty');
}

/** Milliseconds until the deadline; Infinity when the call has none. */
export function remainingMs(deadline: Deadline, now = Date.now()): number {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return at - now;
}

/**
 * Longest a database statement may run even when the call has no deadline (or a later one):
 * a runaway query must not hold a pooled connection forever.
 */
export const MAX_QUERY_MS = 30_000;

/**
 * A unary handler from an async function: answers DEADLINE_EXCEEDED without running it when the
 * deadline has already passed, the function's result otherwise, and turns a thrown error into a
 * status (toStatus). Exactly one callback per call.
 */
export function unaryHandler<Req, Res>(method: string, logger: Logger, handle: (call: ServerUnaryCall<Req, Res>) => Promise<Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    if (remainingMs(call.getDeadline()) <= 0) {
      callback({ code: status.DEADLINE_EXCEEDED, details: 'the deadline had passed before the call was handled' });
      return;
    }
    handle(call).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toStatus(error, method, logger)),
    );
  };
}

// Postgres SQLSTATEs and client errors that mean "the database cannot serve now, try again".
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/; // connection exception, insufficient resources, admin/crash shutdown, cannot connect now
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
const UNAVAILABLE_PG_MESSAGES = /connection terminated|timeout exceeded when trying to connect|not queryable|connection error|Connection refused/i;

/** Whether an error says the database (or the way to it) is down or overloaded, rather than a bug. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_NODE_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE.test(code)))) return true;
  if (error instanceof AggregateError && error.errors.some(isUnavailable)) return true; // a host with several addresses, all refused
  return UNAVAILABLE_PG_MESSAGES.test(error.message);
}

/**
 * The status for an error thrown by a handler: an RpcError as it is (logged at debug), anything
 * else logged with its details (stack, SQLSTATE, ...) and answered UNAVAILABLE when the
 * database is unreachable or overloaded, INTERNAL otherwise, with a message that tells nothing
 * of the query.
 */
export function toStatus(error: unknown, method: string, logger: Logger): ServerStatusResponse {
  if (error instanceof RpcError) {
    logger.debug({ method, code: status[error.code], details: error.message }, 'call refused');
    return { code: error.code, details: error.message };
  }
  if (isUnavailable(error)) {
    logger.error({ err: error, method }, 'call failed: the database is unavailable');
    return { code: status.UNAVAILABLE, details: 'the database is unavailable; retry later' };
  }
  logger.error({ err: error, method }, 'call failed');
  return { code: status.INTERNAL, details: `internal error in ${method} (logged by the gateway)` };
}

const QUERY_CANCELED = '57014'; // statement_timeout (or a cancel request)

/** Waits for a pooled connection at most `ms`; one that arrives later goes straight back to the pool. */
function connectWithin(pool: Pool, ms: number, onTimeout: () => RpcError): Promise<PoolClient> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(onTimeout());
    }, ms);
    pool.connect().then(
      (client) => {
        clearTimeout(timer);
        if (timedOut) client.release();
        else resolve(client);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Runs `work` in a READ ONLY transaction whose statement_timeout (SET LOCAL, so the pooled
 * connection keeps its own setting afterwards) is the time left before the call's deadline,
 * capped at MAX_QUERY_MS. Waiting for a free connection counts against the deadline too.
 * A statement cancelled by that timeout, or no connection in time, is DEADLINE_EXCEEDED when
 * the deadline set the limit, UNAVAILABLE when the cap did; other errors pass through (toStatus
 * maps them). `work` must use parameterised queries only.
 */
export async function readWithDeadline<T>(pool: Pool, deadline: Deadline, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const budget = () => {
    const left = remainingMs(deadline);
    if (left <= 0) throw new RpcError(status.DEADLINE_EXCEEDED, 'the deadline passed before the database answered');
    return left < MAX_QUERY_MS ? { ms: Math.max(1, Math.floor(left)), byDeadline: true } : { ms: MAX_QUERY_MS, byDeadline: false };
  };
  const tooSlow = (byDeadline: boolean, what: 'connection' | 'query') => {
    if (byDeadline) return new RpcError(status.DEADLINE_EXCEEDED, what === 'connection' ? 'the deadline passed while waiting for a free database connection' : 'the deadline passed during the database query');
    return new RpcError(status.UNAVAILABLE, `the database is too busy (${what === 'connection' ? 'no free connection' : 'the query ran'} for ${MAX_QUERY_MS} ms); retry later`);
  };

  const forConnection = budget();
  const client = await connectWithin(pool, forConnection.ms, () => tooSlow(forConnection.byDeadline, 'connection'));
  let broken: Error | undefined;
  let limit: ReturnType<typeof budget> | undefined;
  try {
    limit = budget();
    await client.query('BEGIN READ ONLY');
    try {
      // set_config(..., true) is SET LOCAL with a parameter: it ends with the transaction.
      await client.query("SELECT set_config('statement_timeout', $1, true)", [String(limit.ms)]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    }
  } catch (error) {
    if (limit && (error as { code?: unknown }).code === QUERY_CANCELED) throw tooSlow(limit.byDeadline, 'query');
    if (isUnavailable(error)) broken ??= error as Error;
    throw error;
  } finally {
    client.release(broken); // a connection that failed, or cannot even roll back, is discarded
  }
}
