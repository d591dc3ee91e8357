// Server-only: relays one of the gateway's server streams (snapshot, snapshot_complete, live
// records, heartbeats; resumable by cursor) to the browser as Server-Sent Events.
import type { ClientReadableStream } from '@grpc/grpc-js';
import { STREAM_EVENTS } from '../lib/stream-events.ts';
import { describeGrpcError } from './grpc-errors.ts';
import { parseLastEventId } from './resume-cursor.ts';
import { sseComment, sseEvent, sseRetry } from './sse.ts';

/** What every message of StreamReadings, StreamWindowCounts and StreamAlerts has. */
export interface GatewayStreamMessage {
  readonly snapshot: boolean;
  /** Resume token; '' on snapshot records. */
  readonly cursor: string;
  readonly snapshotComplete?: { readonly count: number } | null;
  readonly heartbeat?: { readonly serverTimeMs: number } | null;
}

/** The SSE event a record message becomes: its name and its data (sent as JSON). */
export interface RecordEvent {
  readonly event: string;
  readonly data: unknown;
}

export interface GatewayStreamSpec<M extends GatewayStreamMessage> {
  /** Opens the gRPC call; `resumeCursor` '' for a fresh subscription (snapshot first). */
  readonly open: (resumeCursor: string) => ClientReadableStream<M>;
  /** The event of a record message (not snapshot_complete or heartbeat), or null to send none. */
  readonly recordEvent: (message: M) => RecordEvent | null;
}

export interface RelayLimits {
  /** A `: heartbeat` comment this often, whatever the gateway sends. */
  readonly heartbeatMs: number;
  /** `retry:` for EventSource: how long it waits before reconnecting after the response closes. */
  readonly reconnectDelayMs: number;
  /**
   * Bytes the browser may leave unread in this response's queue. grpc-js reads its HTTP/2 stream
   * whatever we do (pause() only moves the buffering into grpc-js), so the bound is kept here:
   * past it the response ends with `resync` and the browser starts again with a fresh snapshot.
   */
  readonly maxQueuedBytes: number;
  /** Resyncs on one response before it gives up with `error` (a gateway that keeps refusing). */
  readonly maxResyncs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  heartbeatMs: 5_000,
  reconnectDelayMs: 3_000,
  maxQueuedBytes: 4 * 1024 * 1024,
  maxResyncs: 3,
};

/** Below this many queued bytes the stream counts as keeping up (the ReadableStream's high-water mark). */
const HIGH_WATER_BYTES = 64 * 1024;

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
} as const;

/**
 * One gateway message as an SSE frame (pure). The id is the message's cursor: live records,
 * snapshot_complete and heartbeats carry one; snapshot records none, so the browser's
 * Last-Event-ID never points into the middle of a snapshot. A record the spec does not send but
 * that carries a cursor becomes an id-only frame (no event fires; the id advances).
 */
export function gatewayMessageFrame<M extends GatewayStreamMessage>(message: M, recordEvent: (message: M) => RecordEvent | null): string | null {
  const id = message.snapshot || message.cursor === '' ? undefined : message.cursor;
  if (message.snapshotComplete) {
    return sseEvent({ id, event: STREAM_EVENTS.snapshotComplete, data: JSON.stringify({ count: message.snapshotComplete.count }) });
  }
  if (message.heartbeat) {
    return sseEvent({ id, event: STREAM_EVENTS.heartbeat, data: JSON.stringify({ serverTimeMs: message.heartbeat.serverTimeMs }) });
  }
  const record = recordEvent(message);
  if (record === null) return id === undefined ? null : sseEvent({ id, data: '' });
  return sseEvent({ id, event: record.event, data: JSON.stringify(record.data) });
}

/** `resync` with the id reset, so that a reconnect after it subscribes afresh. */
export function resyncFrame(reason: string): string {
  return sseEvent({ id: '', event: STREAM_EVENTS.resync, data: JSON.stringify({ reason }) });
}

export function readyFrame(resumed: boolean): string {
  return sseEvent({ event: STREAM_EVENTS.ready, data: JSON.stringify({ resumed }) });
}

export function errorFrame(message: string): string {
  return sseEvent({ event: STREAM_EVENTS.error, data: message.replace(/[\r\n]+/g, ' ') });
}

/** Gateway answers that mean "your cursor or your queue is gone: start again without a cursor". */
const RESYNC_CODES = new Set(['OUT_OF_RANGE', 'RESOURCE_EXHAUSTED']);

/**
 * GET handler body for a relayed stream. `Last-Event-ID` (checked first) becomes the gateway's
 * `resume_cursor`; a malformed one is dropped with a `resync`. OUT_OF_RANGE and
 * RESOURCE_EXHAUSTED are answered with `resync` and a fresh subscription on the same response;
 * INVALID_ARGUMENT on a resumed call likewise (a well-formed cursor of another stream). Any other
 * end of the call: `error`, then the response closes and EventSource reconnects with its
 * Last-Event-ID. Closing the tab cancels the call.
 */
export function relayGatewayStream<M extends GatewayStreamMessage>(
  request: Request,
  spec: GatewayStreamSpec<M>,
  limits: RelayLimits = DEFAULT_RELAY_LIMITS,
): Response {
  const encoder = new TextEncoder();
  let call: ClientReadableStream<M> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  let resyncs = 0;

  /** Stops everything on our side; idempotent. Cancelling makes grpc-js emit CANCELLED, which the guards ignore. */
  const release = (): void => {
    if (closed) return;
    closed = true;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    request.signal.removeEventListener('abort', release);
    const current = call;
    call = undefined;
    current?.cancel();
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const close = (): void => {
          flush();
          release();
          try {
            controller.close();
          } catch {
            // already closed or errored by the consumer
          }
        };
        // Frames of one turn of the event loop (a burst of gRPC messages, a snapshot) go out as one
        // chunk: one write to the socket instead of one per frame.
        let batch: string[] = [];
        let batchChars = 0;
        let flushScheduled = false;
        const flush = (): void => {
          flushScheduled = false;
          if (batch.length === 0 || closed) return;
          const text = batch.join('');
          batch = [];
          batchChars = 0;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            release(); // the consumer went away
          }
        };
        /** Bytes waiting for the browser: the stream's queue plus the batch not flushed yet (UTF-16 length, close enough for a bound). */
        const waiting = (): number => HIGH_WATER_BYTES - (controller.desiredSize ?? 0) + batchChars;
        const send = (frame: string): void => {
          if (closed) return;
          batch.push(frame);
          batchChars += frame.length;
          if (waiting() > limits.maxQueuedBytes) {
            // The browser reads too slowly: end here rather than hold more (it gets what is queued, then resync).
            batch.push(resyncFrame(`the browser fell more than ${limits.maxQueuedBytes} bytes behind; take a fresh snapshot`));
            close();
            return;
          }
          if (!flushScheduled) {
            flushScheduled = true;
            setImmediate(flush);
          }
        };
        const finish = (message: string): void => {
          if (closed) return;
          send(errorFrame(message));
          close();
        };

        const subscribe = (resumeCursor: string): void => {
          let opened: ClientReadableStream<M>;
          try {
            opened = spec.open(resumeCursor);
          } catch (error) {
            finish(describeGrpcError(error).message); // e.g. an invalid GATEWAY_ADDRESS
            return;
          }
          call = opened;
          // Events of a call that was replaced (after a resync) or cancelled are ignored.
          const isCurrent = (): boolean => !closed && call === opened;
          opened.on('metadata', () => {
            if (isCurrent()) send(readyFrame(resumeCursor !== ''));
          });
          opened.on('data', (message: M) => {
            if (!isCurrent()) return;
            const frame = gatewayMessageFrame(message, spec.recordEvent);
            if (frame !== null) send(frame);
          });
          opened.on('error', (error: unknown) => {
            if (!isCurrent()) return;
            const described = describeGrpcError(error);
            const staleCursor = resumeCursor !== '' && described.code === 'INVALID_ARGUMENT';
            if (!RESYNC_CODES.has(described.code) && !staleCursor) {
              finish(described.message);
              return;
            }
            resyncs += 1;
            if (resyncs > limits.maxResyncs) {
              finish(`${described.message} (after ${limits.maxResyncs} resyncs on this connection)`);
              return;
            }
            call = undefined;
            send(resyncFrame(described.message));
            if (!closed) subscribe('');
          });
          opened.on('end', () => {
            if (isCurrent()) finish('ENDED: the gateway closed the stream');
          });
        };

        if (request.signal.aborted) {
          close();
          return;
        }
        request.signal.addEventListener('abort', release, { once: true });

        send(sseRetry(limits.reconnectDelayMs));
        send(sseComment('connected'));
        const lastEventId = parseLastEventId(request.headers.get('last-event-id'));
        if (lastEventId.kind === 'invalid') send(resyncFrame(`Last-Event-ID ignored: ${lastEventId.reason}`));
        subscribe(lastEventId.kind === 'cursor' ? lastEventId.cursor : '');

        heartbeat = setInterval(() => send(sseComment('heartbeat')), limits.heartbeatMs);
        heartbeat.unref?.();
      },
      cancel() {
        release();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: HIGH_WATER_BYTES }),
  );

  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
