/**
 * The Server-Sent Event names every relayed gateway stream uses (`/api/window-counts/stream`, `/api/readings/stream`,
 * `/api/alerts/stream`), shared by the route handlers (server) and the pages (browser). No imports:
 * safe for client components.
 */
export const STREAM_EVENTS = {
  /** The gateway accepted the call; data: {@link ReadyPayload}. A fresh one is followed by a snapshot. */
  ready: 'ready',
  /** The snapshot is over, live changes follow; data: {@link SnapshotCompletePayload}. Has an id. */
  snapshotComplete: 'snapshot-complete',
  /** The gateway's idle-stream heartbeat; data: {@link HeartbeatPayload}. Has an id. */
  heartbeat: 'heartbeat',
  /**
   * Drop what you hold: a fresh snapshot follows (on this response, or on the next connection when
   * this one closes right after). Resets the event id, so a reconnect does not resume. Data: {@link ResyncPayload}.
   */
  resync: 'resync',
  /** The gateway stream failed or ended; data: a one-line message. The response closes right after. */
  error: 'error',
} as const;

export interface ReadyPayload {
  /** true: continuing after the Last-Event-ID (no snapshot); false: a snapshot follows. */
  resumed: boolean;
}

export interface SnapshotCompletePayload {
  /** How many snapshot records were sent. */
  count: number;
}

export interface HeartbeatPayload {
  /** The gateway's clock, epoch ms. */
  serverTimeMs: number;
}

export interface ResyncPayload {
  /** Why, for people and logs, e.g. "OUT_OF_RANGE: resume_cursor cannot be served: …". */
  reason: string;
}

/** Parses JSON event data into an object, or null. */
export function parseEventObject(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
