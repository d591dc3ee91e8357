import type { WindowCountEvent__Output } from '@iot/contracts/grpc';
import { SSE_EVENTS, type WindowCountPayload } from '../lib/window-count.ts';

/**
 * Turning gateway events into Server-Sent Event frames (pure functions, no I/O).
 * Frame format: https://html.spec.whatwg.org/multipage/server-sent-events.html
 */

/** Field values must not contain line breaks (they would end the field) nor NUL (ids are ignored). */
function fieldValue(text: string): string {
  return text.replace(/[\r\n\0]/g, ' ');
}

export function toWindowCountPayload(event: WindowCountEvent__Output): WindowCountPayload | null {
  const window = event.windowCount;
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
    snapshot: event.snapshot,
  };
}

/** The Kafka position as an SSE id: `${topic}:${partition}:${offset}`. */
export function eventIdOf(event: WindowCountEvent__Output): string | null {
  const position = event.position;
  if (position === null || position === undefined) return null;
  return fieldValue(`${position.topic}:${position.partition}:${position.offset}`);
}

/** One `window-count` frame, or null for an event without a window. */
export function windowCountFrame(event: WindowCountEvent__Output): string | null {
  const payload = toWindowCountPayload(event);
  if (payload === null) return null;
  const id = eventIdOf(event);
  // JSON.stringify escapes line breaks, so the data is always a single line.
  const data = JSON.stringify(payload);
  return `${id === null ? '' : `id: ${id}\n`}event: ${SSE_EVENTS.windowCount}\ndata: ${data}\n\n`;
}

/** Sent once the gateway has accepted the call (its response headers arrived). */
export function readyFrame(): string {
  return `event: ${SSE_EVENTS.ready}\ndata: {}\n\n`;
}

/** An `error` frame carrying a short message; the server closes the stream right after it. */
export function errorFrame(message: string): string {
  return `event: ${SSE_EVENTS.error}\ndata: ${fieldValue(message)}\n\n`;
}

/** A comment line: ignored by EventSource, keeps proxies and load balancers from timing out. */
export function commentFrame(text: string): string {
  return `: ${fieldValue(text)}\n\n`;
}

/** Tells EventSource how long to wait before reconnecting. */
export function retryFrame(milliseconds: number): string {
  return `retry: ${Math.max(0, Math.round(milliseconds))}\n\n`;
}
