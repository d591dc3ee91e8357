/**
 * Server-Sent Event framing (pure, no I/O).
 * Format: https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */

export interface SseEvent {
  /**
   * The event id, which EventSource sends back as `Last-Event-ID` when it reconnects. Omitted
   * (undefined): the browser keeps the previous id. '' resets it: a reconnect sends none.
   */
  readonly id?: string;
  /** The event type (addEventListener name); omitted: `message`. */
  readonly event?: string;
  /** The data; each line becomes one `data:` line. '' with an id: the id is taken, no event fires. */
  readonly data: string;
}

/** A field value must not break the line; an id with NUL would be ignored by the browser. */
function fieldValue(text: string): string {
  return text.replace(/[\r\n\0]/g, ' ');
}

export function sseEvent({ id, event, data }: SseEvent): string {
  let frame = '';
  if (id !== undefined) frame += id === '' ? 'id:\n' : `id: ${fieldValue(id)}\n`;
  if (event !== undefined) frame += `event: ${fieldValue(event)}\n`;
  if (data !== '') for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** A comment line: ignored by EventSource, keeps proxies and load balancers from timing out. */
export function sseComment(text: string): string {
  return `: ${fieldValue(text)}\n\n`;
}

/** Tells EventSource how long to wait before reconnecting. */
export function sseRetry(milliseconds: number): string {
  return `retry: ${Math.max(0, Math.round(milliseconds))}\n\n`;
}
