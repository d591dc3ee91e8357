import { alertKeyOf, isOpenCritical, type AlertPayload, type AlertRemovedPayload } from './alert.ts';

/**
 * The Alerts page's state and the pure reducer that applies `/api/alerts/stream` events to it
 * (no React, no I/O). A snapshot is collected apart and replaces the held alerts at once when it
 * is complete, so a page never shows half a snapshot mixed with older state.
 */

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'resyncing';

/**
 * A change the page calls out because it arrived live, while the page was open (never one from a
 * snapshot or the server render): an alert that became OPEN and CRITICAL, or one that cleared.
 */
export interface LiveChange {
  readonly kind: 'new-critical' | 'cleared';
  /** Page clock (epoch ms) when it arrived. */
  readonly atMs: number;
}

/** How long a new critical alert stays highlighted (the CSS fade in globals.css lasts as long). */
export const NEW_CRITICAL_HIGHLIGHT_MS = 12_000;

export interface AlertFeedState {
  /** Every alert occurrence held, by alertId (one current occurrence per sensor and rule, plus cleared ones). */
  readonly alerts: ReadonlyMap<string, AlertPayload>;
  /** While a snapshot arrives: its alerts so far; they replace `alerts` at snapshot-complete. */
  readonly pending: ReadonlyMap<string, AlertPayload> | null;
  readonly status: FeedStatus;
  /** Page clock (epoch ms) when the gateway last told us something: a change, a snapshot's end, a heartbeat. */
  readonly updatedAtMs: number | null;
  /** The last stream problem (an `error` or `resync` reason), cleared when the stream is live again. */
  readonly problem: string | null;
  /** By alertId, the live change to call out; only for alerts held. */
  readonly liveChanges: ReadonlyMap<string, LiveChange>;
}

export type AlertFeedAction =
  | { readonly type: 'ready'; readonly resumed: boolean }
  | { readonly type: 'alert'; readonly alert: AlertPayload; readonly atMs: number }
  | { readonly type: 'removed'; readonly removed: AlertRemovedPayload; readonly atMs: number }
  | { readonly type: 'snapshot-complete'; readonly atMs: number }
  | { readonly type: 'heartbeat'; readonly atMs: number }
  | { readonly type: 'resync'; readonly reason: string }
  | { readonly type: 'disconnected'; readonly problem: string | null }
  | { readonly type: 'batch'; readonly actions: readonly AlertFeedAction[] };

/** Cleared occurrences kept for the history list (the newest by clearing time). */
export const HISTORY_LIMIT = 200;

/** The state before the stream: an optional server-rendered snapshot, taken at `takenAtMs`. */
export function initialAlertFeed(snapshot: readonly AlertPayload[] | null, takenAtMs: number | null): AlertFeedState {
  const alerts = new Map<string, AlertPayload>();
  for (const alert of snapshot ?? []) alerts.set(alert.alertId, alert); // a snapshot holds one alert per key
  trimHistory(alerts);
  return { alerts, pending: null, status: 'connecting', updatedAtMs: snapshot === null ? null : takenAtMs, problem: null, liveChanges: new Map() };
}

/** A working copy: the maps are cloned once per dispatch and then changed in place. */
interface Draft {
  alerts: Map<string, AlertPayload>;
  pending: Map<string, AlertPayload> | null;
  status: FeedStatus;
  updatedAtMs: number | null;
  problem: string | null;
  liveChanges: Map<string, LiveChange>;
}

export function alertFeedReducer(state: AlertFeedState, action: AlertFeedAction): AlertFeedState {
  const draft: Draft = {
    alerts: new Map(state.alerts),
    pending: state.pending === null ? null : new Map(state.pending),
    status: state.status,
    updatedAtMs: state.updatedAtMs,
    problem: state.problem,
    liveChanges: new Map(state.liveChanges),
  };
  apply(draft, action);
  trimHistory(draft.alerts);
  for (const id of draft.liveChanges.keys()) if (!draft.alerts.has(id) && !draft.pending?.has(id)) draft.liveChanges.delete(id);
  return draft;
}

function apply(draft: Draft, action: AlertFeedAction): void {
  switch (action.type) {
    case 'batch':
      for (const inner of action.actions) apply(draft, inner);
      return;
    case 'ready':
      // A fresh subscription starts a new snapshot; a resumed one is live at once.
      if (!action.resumed) draft.pending = new Map();
      else if (draft.pending === null) {
        draft.status = 'live';
        draft.problem = null;
      }
      return;
    case 'alert':
      if (action.alert.snapshot) {
        draft.pending ??= new Map();
        draft.pending.set(action.alert.alertId, action.alert); // a snapshot holds one alert per key
      } else {
        // A live change applies to the snapshot being collected, if one is (it never is with this
        // gateway: live changes follow snapshot_complete), else to the held alerts.
        const target = draft.pending ?? draft.alerts;
        const before = target.get(action.alert.alertId);
        if (isOpenCritical(action.alert) && (before === undefined || !isOpenCritical(before))) {
          draft.liveChanges.set(action.alert.alertId, { kind: 'new-critical', atMs: action.atMs });
        } else if (action.alert.state === 'CLEARED' && before?.state !== 'CLEARED') {
          draft.liveChanges.set(action.alert.alertId, { kind: 'cleared', atMs: action.atMs });
        }
        put(target, action.alert);
        draft.updatedAtMs = action.atMs;
      }
      return;
    case 'removed': {
      const target = draft.pending ?? draft.alerts;
      const key = alertKeyOf(action.removed);
      for (const [id, alert] of target) if (alertKeyOf(alert) === key) target.delete(id);
      draft.updatedAtMs = action.atMs;
      return;
    }
    case 'snapshot-complete':
      draft.alerts = draft.pending ?? new Map();
      draft.pending = null;
      draft.status = 'live';
      draft.updatedAtMs = action.atMs;
      draft.problem = null;
      return;
    case 'heartbeat':
      draft.updatedAtMs = action.atMs;
      return;
    case 'resync':
      // Everything held may be stale: drop it; a fresh snapshot follows.
      draft.alerts = new Map();
      draft.pending = null;
      draft.status = 'resyncing';
      draft.updatedAtMs = null;
      draft.problem = action.reason;
      return;
    case 'disconnected':
      // A half-received snapshot is worthless: the next connection starts its own.
      draft.pending = null;
      if (draft.status !== 'resyncing') draft.status = 'reconnecting';
      if (action.problem !== null) draft.problem = action.problem;
      return;
  }
}

/**
 * Stores an occurrence. A new occurrence of the same sensor and rule supersedes any other that is
 * not cleared (iot.alerts holds one value per key); cleared ones stay as history. The scan for
 * siblings runs only for an alertId not held yet (a new occurrence).
 */
function put(alerts: Map<string, AlertPayload>, alert: AlertPayload): void {
  if (!alerts.has(alert.alertId)) {
    const key = alertKeyOf(alert);
    for (const [id, other] of alerts) {
      if (other.state !== 'CLEARED' && alertKeyOf(other) === key) alerts.delete(id);
    }
  }
  alerts.set(alert.alertId, alert);
}

function trimHistory(alerts: Map<string, AlertPayload>): void {
  let cleared = 0;
  for (const alert of alerts.values()) if (alert.state === 'CLEARED') cleared++;
  if (cleared <= HISTORY_LIMIT) return;
  const oldestFirst = [...alerts.values()].filter((alert) => alert.state === 'CLEARED').sort(byClearedNewestFirst).slice(HISTORY_LIMIT);
  for (const alert of oldestFirst) alerts.delete(alert.alertId);
}

const SEVERITY_RANK = { CRITICAL: 0, WARNING: 1 } as const;

function byClearedNewestFirst(a: AlertPayload, b: AlertPayload): number {
  return (b.clearedAtMs ?? b.lastSeenAtMs) - (a.clearedAtMs ?? a.lastSeenAtMs) || a.alertId.localeCompare(b.alertId);
}

/** Whether the alert is a new critical one, highlighted until NEW_CRITICAL_HIGHLIGHT_MS after it arrived (by the page clock `nowMs`). */
export function isNewCritical(state: AlertFeedState, alert: AlertPayload, nowMs: number | null): boolean {
  const change = state.liveChanges.get(alert.alertId);
  return change?.kind === 'new-critical' && isOpenCritical(alert) && nowMs !== null && nowMs - change.atMs < NEW_CRITICAL_HIGHLIGHT_MS;
}

/** Whether the alert's clearing arrived live (its history row fades in). */
export function clearedLive(state: AlertFeedState, alert: AlertPayload): boolean {
  return state.liveChanges.get(alert.alertId)?.kind === 'cleared';
}

/** OPEN and ACKNOWLEDGED alerts: critical first, then the most recently opened. */
export function currentAlerts(state: AlertFeedState): AlertPayload[] {
  return [...state.alerts.values()]
    .filter((alert) => alert.state !== 'CLEARED')
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.openedAtMs - a.openedAtMs || a.alertId.localeCompare(b.alertId));
}

/** CLEARED alerts, the most recently cleared first. */
export function clearedAlerts(state: AlertFeedState): AlertPayload[] {
  return [...state.alerts.values()].filter((alert) => alert.state === 'CLEARED').sort(byClearedNewestFirst);
}
