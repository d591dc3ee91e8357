'use client';

import { useEffect, useRef } from 'react';
import { parseEventObject } from '../lib/stream-events.ts';

/** When the browser gives up on an EventSource (readyState CLOSED), open a new one after this delay. */
const MANUAL_RECONNECT_MS = 3_000;
/** Actions are applied once per animation frame, or after this long when frames do not come (a hidden tab). */
const FLUSH_FALLBACK_MS = 250;

export interface RelayedStreamHandlers<A> {
  /** Per SSE event name, its JSON data as an action (null: ignore it). */
  readonly events: Readonly<Record<string, (data: Record<string, unknown>) => A | null>>;
  /** Connection loss, or the route's `error` frame with its message. */
  readonly disconnected: (problem: string | null) => A;
  /** The actions since the last flush, in arrival order. */
  readonly apply: (actions: A[]) => void;
  /**
   * At most one flush per this many ms (default 0: every animation frame). A page that redraws a
   * large table for every batch (the Fleet page) sets it, so that a busy fleet costs a few
   * renders a second instead of sixty.
   */
  readonly minFlushIntervalMs?: number;
}

/**
 * Follows one of the dashboard's relayed gateway streams with an EventSource. The browser
 * reconnects by itself, sending Last-Event-ID so that the route resumes where the stream was; when
 * it gives up (an HTTP error status) a new EventSource is opened, which starts with a snapshot.
 * Events are batched per animation frame (or less often: minFlushIntervalMs), so a burst (a snapshot) is one render.
 * The handlers are read at each event: they need not be stable.
 */
export function useRelayedStream<A>(url: string, handlers: RelayedStreamHandlers<A>): void {
  const current = useRef(handlers);
  current.current = handlers;

  useEffect(() => {
    let source: EventSource | null = null;
    let pending: A[] = [];
    let frame: number | null = null;
    let fallback: ReturnType<typeof setTimeout> | null = null;
    let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
    let disposed = false;
    let lastFlushAt = 0;
    let delayed: ReturnType<typeof setTimeout> | null = null;

    const flush = (): void => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (fallback !== null) clearTimeout(fallback);
      if (delayed !== null) clearTimeout(delayed);
      frame = null;
      fallback = null;
      delayed = null;
      if (pending.length === 0 || disposed) return;
      const actions = pending;
      pending = [];
      lastFlushAt = Date.now();
      current.current.apply(actions);
    };
    const schedule = (): void => {
      frame ??= requestAnimationFrame(flush);
      fallback ??= setTimeout(flush, FLUSH_FALLBACK_MS);
    };
    const queue = (action: A): void => {
      pending.push(action);
      if (frame !== null || fallback !== null || delayed !== null) return;
      const wait = (current.current.minFlushIntervalMs ?? 0) - (Date.now() - lastFlushAt);
      if (wait > 0) delayed = setTimeout(() => {
        delayed = null;
        schedule();
      }, wait);
      else schedule();
    };

    const connect = (): void => {
      const opened = new EventSource(url);
      source = opened;
      for (const name of Object.keys(current.current.events)) {
        opened.addEventListener(name, (event: MessageEvent) => {
          const data = parseEventObject(event.data);
          const action = data === null ? null : (current.current.events[name]?.(data) ?? null);
          if (action !== null) queue(action);
        });
      }
      // Fires both for the route's `event: error` frames (MessageEvent with data) and for connection loss.
      opened.onerror = (event: Event) => {
        if (disposed) return;
        queue(current.current.disconnected(event instanceof MessageEvent && typeof event.data === 'string' ? event.data : null));
        if (opened.readyState === EventSource.CLOSED) {
          opened.close();
          reconnectTimer ??= setTimeout(() => {
            reconnectTimer = null;
            if (!disposed) connect();
          }, MANUAL_RECONNECT_MS);
        }
      };
    };

    connect();
    return () => {
      disposed = true;
      source?.close();
      if (frame !== null) cancelAnimationFrame(frame);
      if (fallback !== null) clearTimeout(fallback);
      if (delayed !== null) clearTimeout(delayed);
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      pending = [];
    };
  }, [url]);
}
