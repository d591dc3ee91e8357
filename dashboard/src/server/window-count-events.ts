import type { WindowCountEvent__Output } from '@iot/contracts/grpc';
import { SSE_EVENTS, type WindowCountPayload } from '../lib/window-count.ts';
import type { RecordEvent } from './gateway-sse-relay.ts';

/** StreamWindowCounts messages as the browser sees them (pure). */

export function toWindowCountPayload(message: WindowCountEvent__Output): WindowCountPayload | null {
  const window = message.windowCount;
  if (window === null || window === undefined) return null;
  return {
    sensorId: window.sensorId,
    windowStartMs: window.windowStartMs,
    windowEndMs: window.windowEndMs,
    count: window.count,
    min: window.min,
    max: window.max,
    sum: window.sum,
    mean: window.mean,
    final: window.final,
    snapshot: message.snapshot,
  };
}

export function windowCountRecordEvent(message: WindowCountEvent__Output): RecordEvent | null {
  const payload = toWindowCountPayload(message);
  return payload === null ? null : { event: SSE_EVENTS.windowCount, data: payload };
}
