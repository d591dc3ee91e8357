import { Metadata, status, type ServerWritableStream } from '@grpc/grpc-js';
import type { StreamWindowCountsRequest__Output, WindowCountEvent } from '@iot/contracts/grpc';
import type { Logger } from '@iot/runtime';
import type { StoredWindowCount, WindowCountStore } from './window-count-store.ts';

const MAX_SENSOR_FILTER = 1000;

export class InvalidRequestError extends Error {}

/** Checks a StreamWindowCounts request; throws InvalidRequestError saying which field is wrong. */
export function validateRequest(request: StreamWindowCountsRequest__Output): { sensorIds: Set<string> | undefined; finalsOnly: boolean } {
  if (request.sensorIds.length > MAX_SENSOR_FILTER) throw new InvalidRequestError(`sensor_ids: at most ${MAX_SENSOR_FILTER} sensors, got ${request.sensorIds.length}`);
  const empty = request.sensorIds.findIndex((id) => id.trim() === '');
  if (empty >= 0) throw new InvalidRequestError(`sensor_ids[${empty}]: must not be empty`);
  return { sensorIds: request.sensorIds.length > 0 ? new Set(request.sensorIds) : undefined, finalsOnly: request.finalsOnly };
}

function toEvent(entry: StoredWindowCount, snapshot: boolean): WindowCountEvent {
  const { value } = entry;
  return {
    windowCount: {
      sensorId: value.sensorId,
      windowStartMs: value.windowStart,
      windowEndMs: value.windowEnd,
      count: value.count,
      min: value.min,
      max: value.max,
      sum: value.sum,
      mean: value.mean,
      final: value.final,
      firstEventTimeMs: value.firstEventTime ?? 0,
      lastEventTimeMs: value.lastEventTime ?? 0,
    },
    position: entry.position,
    snapshot,
  };
}

/**
 * Serves one StreamWindowCounts call: the snapshot, then live changes. When the client reads
 * slower than changes arrive, `write()` returns false; pending changes then coalesce to the
 * latest per key until 'drain', so a slow client holds at most one event per window.
 */
export function streamWindowCounts(call: ServerWritableStream<StreamWindowCountsRequest__Output, WindowCountEvent>, store: WindowCountStore, logger: Logger): void {
  if (call.cancelled) return; // gone while waiting for the store to catch up
  let filter: ReturnType<typeof validateRequest>;
  try {
    filter = validateRequest(call.request);
  } catch (error) {
    call.emit('error', { code: status.INVALID_ARGUMENT, details: (error as Error).message });
    return;
  }
  // Response headers now, before any data: clients learn at once that the stream is accepted.
  call.sendMetadata(new Metadata());
  const matches = (entry: StoredWindowCount) =>
    (!filter.sensorIds || filter.sensorIds.has(entry.value.sensorId)) && (!filter.finalsOnly || entry.value.final);

  const pending = new Map<string, WindowCountEvent>();
  let waitingForDrain = false;
  const flush = () => {
    while (!waitingForDrain && pending.size > 0) {
      const [key, event] = pending.entries().next().value as [string, WindowCountEvent];
      pending.delete(key);
      if (!call.write(event)) {
        waitingForDrain = true;
        call.once('drain', () => {
          waitingForDrain = false;
          flush();
        });
      }
    }
  };
  const enqueue = (entry: StoredWindowCount, snapshot: boolean) => {
    if (!matches(entry)) return;
    pending.delete(entry.key); // re-insert at the end: the newest change goes out last
    pending.set(entry.key, toEvent(entry, snapshot));
    flush();
  };

  const { snapshot, unsubscribe } = store.subscribe((entry) => enqueue(entry, false));
  for (const entry of snapshot) enqueue(entry, true);
  logger.debug({ peer: call.getPeer(), snapshot: snapshot.length }, 'subscriber joined');
  const leave = () => {
    unsubscribe();
    pending.clear();
  };
  call.on('cancelled', leave);
  call.on('close', leave);
  call.on('error', leave);
}
