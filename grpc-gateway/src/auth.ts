import { createHash, timingSafeEqual } from 'node:crypto';
import { status, type Metadata, type ServiceError, type UntypedHandleCall } from '@grpc/grpc-js';
import type { PipelineServiceHandlers } from '@iot/contracts/grpc';
import type { Logger } from '@iot/runtime';

export const MISSING_AUTHORIZATION = "missing authorization metadata: send 'authorization: Bearer <token>'";
export const MALFORMED_AUTHORIZATION = "authorization metadata is not of the form 'Bearer <token>'";
export const UNKNOWN_TOKEN = 'unknown bearer token';

const BEARER = /^Bearer +(\S+) *$/i;

/** The SHA-256 of a token: equal-length buffers to compare in constant time, whatever the tokens' lengths. */
const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Why a call's metadata does not authenticate it, or undefined when it carries
 * `authorization: Bearer <token>` with one of the known tokens. Every known token is compared
 * (in constant time), so the time taken says nothing about which one nearly matched.
 */
export function authenticationProblem(metadata: Metadata, tokenDigests: readonly Buffer[]): string | undefined {
  const values = metadata.get('authorization');
  if (values.length === 0) return MISSING_AUTHORIZATION;
  const header = values[0];
  const match = typeof header === 'string' ? BEARER.exec(header) : null;
  if (!match) return MALFORMED_AUTHORIZATION;
  const presented = digest(match[1]!);
  let known = false;
  for (const expected of tokenDigests) known = timingSafeEqual(presented, expected) || known;
  return known ? undefined : UNKNOWN_TOKEN;
}

type AnyCall = { metadata: Metadata; getPath?: () => string; getPeer?: () => string; emit: (event: 'error', error: unknown) => boolean };
type AnyCallback = (error: Partial<ServiceError> | null) => void;

/**
 * Wraps every method of the service so that a call without `authorization: Bearer <token>`
 * metadata, or with a token not in `tokens`, ends with UNAUTHENTICATED before the real handler
 * runs. Unary and client-streaming calls are answered through their callback, server-streaming
 * and bidi calls through their 'error' event (how grpc-js ends them with a status). Health and
 * reflection are separate services and are not wrapped: they need no token.
 */
export function withAuth(handlers: PipelineServiceHandlers, tokens: readonly string[], logger: Logger): PipelineServiceHandlers {
  if (tokens.length === 0) throw new Error('withAuth: no tokens configured (every call would be refused)');
  const tokenDigests = tokens.map(digest);
  const wrapped: Record<string, UntypedHandleCall> = {};
  for (const [method, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') continue;
    const real = handler as (call: AnyCall, callback?: AnyCallback) => void;
    // grpc-js passes a callback to unary and client-streaming handlers only.
    const guard = (call: AnyCall, callback?: AnyCallback): void => {
      const problem = authenticationProblem(call.metadata, tokenDigests);
      if (problem === undefined) {
        real(call, callback);
        return;
      }
      logger.warn({ method, peer: call.getPeer?.(), reason: problem }, 'unauthenticated call refused');
      const error = { code: status.UNAUTHENTICATED, details: problem };
      if (typeof callback === 'function') callback(error);
      else call.emit('error', error);
    };
    wrapped[method] = guard as unknown as UntypedHandleCall;
  }
  return wrapped as PipelineServiceHandlers;
}
