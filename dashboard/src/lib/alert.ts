/**
 * The alert events of `/api/alerts/stream`, shared by the route (server) and the Alerts page
 * (browser). No imports: safe for client components. Enum values lose the proto prefix
 * (ALERT_STATE_OPEN → OPEN), as on the iot.alerts topic.
 */

export const ALERTS_STREAM_PATH = '/api/alerts/stream';
export const ALERT_ACK_PATH = '/api/alerts/ack';

/** SSE event names of the alert records (the generic ones are in stream-events.ts). */
export const ALERT_EVENTS = {
  /** An alert's current state; data: {@link AlertPayload}. Live ones have an id, snapshot ones none. */
  alert: 'alert',
  /** A cleared alert expired (its tombstone); data: {@link AlertRemovedPayload}. Has an id. */
  removed: 'alert-removed',
} as const;

export const ALERT_SEVERITIES = ['WARNING', 'CRITICAL'] as const;
export const ALERT_STATES = ['OPEN', 'ACKNOWLEDGED', 'CLEARED'] as const;
export const ALERT_RULES = ['RANGE', 'ZSCORE', 'RATE_OF_CHANGE', 'SILENCE'] as const;

export type AlertSeverityName = (typeof ALERT_SEVERITIES)[number];
export type AlertStateName = (typeof ALERT_STATES)[number];
export type AlertRuleName = (typeof ALERT_RULES)[number];

export interface AlertPayload {
  /** sensorId/RULE/openedAt: a new occurrence after clearing has a new id. */
  alertId: string;
  sensorId: string;
  sensorType: string;
  siteId: string;
  rule: AlertRuleName;
  severity: AlertSeverityName;
  state: AlertStateName;
  /** The measurement that opened it, the worst one since, and the limit it crossed (NaN: unknown). */
  triggerValue: number;
  peakValue: number;
  threshold: number;
  /** Epoch ms (UTC). */
  openedAtMs: number;
  lastSeenAtMs: number;
  /** Epoch ms, or null until then. */
  clearedAtMs: number | null;
  acknowledgedAtMs: number | null;
  /** Who acknowledged it; null until then. */
  acknowledgedBy: string | null;
  /** For people, e.g. "value 48 °C is above the maximum 45 °C". */
  message: string;
  /** True for the snapshot's alerts. */
  snapshot: boolean;
}

export interface AlertRemovedPayload {
  sensorId: string;
  rule: AlertRuleName;
}

/** The key of an alert on iot.alerts: one current occurrence per sensor and rule. */
export function alertKeyOf(alert: Pick<AlertPayload, 'sensorId' | 'rule'>): string {
  return `${alert.sensorId}\u0000${alert.rule}`;
}

/** An open critical alert: what the tab's title counts and a page calls out when it arrives. */
export function isOpenCritical(alert: Pick<AlertPayload, 'state' | 'severity'>): boolean {
  return alert.state === 'OPEN' && alert.severity === 'CRITICAL';
}

/** The tab's title with the count of open critical alerts in front, e.g. "(2 critical) Fleet · IoT pipeline". */
export function criticalAlertsTitle(openCritical: number, pageTitle: string): string {
  return openCritical > 0 ? `(${openCritical} critical) ${pageTitle}` : pageTitle;
}

function oneOf<T extends string>(values: readonly T[], value: unknown): T | null {
  return typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : null;
}

const finite = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : Number.NaN);
const timeOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null);

/** Checks a parsed `alert` event's data; null when it is not a valid payload. */
export function toAlertPayload(v: Record<string, unknown>): AlertPayload | null {
  const rule = oneOf(ALERT_RULES, v.rule);
  const severity = oneOf(ALERT_SEVERITIES, v.severity);
  const state = oneOf(ALERT_STATES, v.state);
  if (rule === null || severity === null || state === null) return null;
  for (const key of ['alertId', 'sensorId'] as const) {
    if (typeof v[key] !== 'string' || v[key] === '') return null;
  }
  const openedAtMs = timeOrNull(v.openedAtMs);
  if (openedAtMs === null) return null;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return {
    alertId: v.alertId as string,
    sensorId: v.sensorId as string,
    sensorType: text(v.sensorType),
    siteId: text(v.siteId),
    rule,
    severity,
    state,
    triggerValue: finite(v.triggerValue),
    peakValue: finite(v.peakValue),
    threshold: finite(v.threshold),
    openedAtMs,
    lastSeenAtMs: timeOrNull(v.lastSeenAtMs) ?? openedAtMs,
    clearedAtMs: timeOrNull(v.clearedAtMs),
    acknowledgedAtMs: timeOrNull(v.acknowledgedAtMs),
    acknowledgedBy: typeof v.acknowledgedBy === 'string' && v.acknowledgedBy !== '' ? v.acknowledgedBy : null,
    message: text(v.message),
    snapshot: v.snapshot === true,
  };
}

/** Checks a parsed `alert-removed` event's data; null when it is not a valid payload. */
export function toAlertRemovedPayload(v: Record<string, unknown>): AlertRemovedPayload | null {
  const rule = oneOf(ALERT_RULES, v.rule);
  if (rule === null || typeof v.sensorId !== 'string' || v.sensorId === '') return null;
  return { sensorId: v.sensorId, rule };
}

/** Body of `POST /api/alerts/ack`. */
export interface AlertAckRequestBody {
  alertId: string;
  acknowledgedBy: string;
}

/** Answer of `POST /api/alerts/ack` when it fails: the gRPC code name and a one-line message. */
export interface ApiErrorBody {
  error: string;
  message: string;
}
