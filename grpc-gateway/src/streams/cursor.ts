/**
 * A stream cursor: per partition of one topic, the offset of the last record a subscriber has
 * been given (or that the gateway had applied when it was made); -1 for none yet. Its text form,
 * `topic@0:17,1:-1,2:40`, is what clients hold on to (an SSE event id, a resume_cursor).
 */
export type Cursor = ReadonlyMap<number, number>;

export class CursorError extends Error {}

export function encodeCursor(topic: string, positions: Cursor): string {
  const parts = [...positions].sort(([a], [b]) => a - b).map(([partition, offset]) => `${partition}:${offset}`);
  return `${topic}@${parts.join(',')}`;
}

/** Parses a resume_cursor for `topic`; a CursorError says what is wrong with it. */
export function decodeCursor(topic: string, text: string): Map<number, number> {
  const at = text.lastIndexOf('@');
  if (at < 0) throw new CursorError('resume_cursor: not a cursor (expected topic@partition:offset,...)');
  const cursorTopic = text.slice(0, at);
  if (cursorTopic !== topic) throw new CursorError(`resume_cursor: a cursor of ${JSON.stringify(cursorTopic)}, this stream reads ${topic}`);
  const positions = new Map<number, number>();
  for (const part of text.slice(at + 1).split(',')) {
    const match = /^(\d{1,5}):(-1|\d{1,18})$/.exec(part);
    if (!match) throw new CursorError(`resume_cursor: ${JSON.stringify(part)} is not partition:offset`);
    const partition = Number(match[1]);
    if (positions.has(partition)) throw new CursorError(`resume_cursor: partition ${partition} appears twice`);
    positions.set(partition, Number(match[2]));
  }
  return positions;
}
