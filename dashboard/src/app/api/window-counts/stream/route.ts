import { describeGrpcError } from '@/server/grpc-errors.ts';
import { streamWindowCounts, type WindowCountsCall } from '@/server/pipeline.gateway.ts';
import { commentFrame, errorFrame, readyFrame, retryFrame, windowCountFrame } from '@/server/window-count-sse.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const HEARTBEAT_INTERVAL_MS = 10_000;
/** How long EventSource waits before reconnecting after we close the stream. */
const RECONNECT_DELAY_MS = 3_000;
/** Frames buffered for a slow browser before the gRPC stream is paused (backpressure). */
const MAX_BUFFERED_FRAMES = 256;

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
} as const;

/**
 * GET /api/window-counts/stream: relays the gateway's StreamWindowCounts to the browser as
 * Server-Sent Events (`event: window-count`, id = topic:partition:offset). When the gateway
 * stream fails or ends, sends `event: error` and closes, so that EventSource reconnects.
 */
export function GET(request: Request): Response {
  const encoder = new TextEncoder();
  let call: WindowCountsCall | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  /** Stops everything on our side; idempotent. Cancelling the call makes grpc-js emit CANCELLED, which is ignored. */
  const release = (): void => {
    if (closed) return;
    closed = true;
    if (heartbeat !== undefined) clearInterval(heartbeat);
    request.signal.removeEventListener('abort', release);
    call?.cancel();
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const send = (frame: string): void => {
          if (closed) return;
          try {
            controller.enqueue(encoder.encode(frame));
          } catch {
            release(); // the consumer went away
            return;
          }
          if (call !== undefined && (controller.desiredSize ?? 1) <= 0) call.pause();
        };
        const finish = (message: string): void => {
          if (closed) return;
          send(errorFrame(message));
          release();
          try {
            controller.close();
          } catch {
            // already closed or errored by the consumer
          }
        };

        if (request.signal.aborted) {
          release();
          controller.close();
          return;
        }
        request.signal.addEventListener('abort', release, { once: true });

        send(retryFrame(RECONNECT_DELAY_MS));
        send(commentFrame('connected'));

        try {
          call = streamWindowCounts({ sensorIds: [], finalsOnly: false });
        } catch (error) {
          // e.g. an invalid GATEWAY_ADDRESS
          finish(describeGrpcError(error).message);
          return;
        }
        call.on('metadata', () => send(readyFrame()));
        call.on('data', (event) => {
          const frame = windowCountFrame(event);
          if (frame !== null) send(frame);
        });
        call.on('error', (error) => finish(describeGrpcError(error).message));
        call.on('end', () => finish('ENDED: the gateway closed the stream'));

        heartbeat = setInterval(() => send(commentFrame('heartbeat')), HEARTBEAT_INTERVAL_MS);
        heartbeat.unref?.();
      },
      pull() {
        // The browser caught up: let gRPC messages flow again.
        if (!closed && call?.isPaused()) call.resume();
      },
      cancel() {
        release();
      },
    },
    new CountQueuingStrategy({ highWaterMark: MAX_BUFFERED_FRAMES }),
  );

  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
