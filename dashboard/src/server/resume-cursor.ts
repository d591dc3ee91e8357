/**
 * Checks a `Last-Event-ID` from the browser before it goes to the gateway as `resume_cursor`
 * (pure). It is the gateway's cursor, `topic@partition:offset,...` (see grpc-gateway's
 * `streams/cursor.ts`); anything else is refused here, so that a forged or mangled header costs
 * a fresh subscription, never a gateway error or a 500.
 */

/** Longer than any cursor of the pipeline's topics (6 partitions: about 150 characters). */
export const MAX_CURSOR_LENGTH = 2048;
const MAX_PARTITIONS = 256;

export type LastEventId =
  | { readonly kind: 'none' }
  | { readonly kind: 'cursor'; readonly cursor: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Kafka topic name characters and length; partition: up to 5 digits; offset: -1 or up to 18 digits. */
const CURSOR = /^([A-Za-z0-9._-]{1,249})@((?:\d{1,5}:(?:-1|\d{1,18}))(?:,\d{1,5}:(?:-1|\d{1,18}))*)$/;

export function parseLastEventId(header: string | null | undefined): LastEventId {
  if (header === null || header === undefined || header.trim() === '') return { kind: 'none' };
  if (header.length > MAX_CURSOR_LENGTH) return { kind: 'invalid', reason: `longer than ${MAX_CURSOR_LENGTH} characters` };
  const match = CURSOR.exec(header.trim());
  if (match === null) return { kind: 'invalid', reason: 'not a cursor (topic@partition:offset,...)' };
  const parts = match[2]!.split(',');
  if (parts.length > MAX_PARTITIONS) return { kind: 'invalid', reason: `more than ${MAX_PARTITIONS} partitions` };
  const partitions = new Set<number>();
  for (const part of parts) {
    const partition = Number(part.slice(0, part.indexOf(':')));
    if (partitions.has(partition)) return { kind: 'invalid', reason: `partition ${partition} appears twice` };
    partitions.add(partition);
  }
  return { kind: 'cursor', cursor: header.trim() };
}
