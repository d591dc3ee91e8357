import { z } from 'zod';
import type { AlertEvent__Output, AlertMessageOutput, StreamAlertsRequest } from '@iot/contracts/grpc';
import {
  ALERT_EVENTS,
  ALERT_RULES,
  ALERT_SEVERITIES,
  ALERT_STATES,
  type AlertPayload,
  type AlertRuleName,
} from '../lib/alert.ts';
import type { RecordEvent } from './gateway-sse-relay.ts';
import { filtersQuery, identifier, listOf, parseQueryFilters } from './query-filters.ts';

/** StreamAlerts messages as the browser sees them, and the stream's query filters (pure). */

function withoutPrefix<T extends string>(value: string, prefix: string, allowed: readonly T[]): T | null {
  const name = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  return (allowed as readonly string[]).includes(name) ? (name as T) : null;
}

/** The gateway's Alert as the `alert` event's data; null for one with an unknown enum value. */
export function toAlertPayload(alert: AlertMessageOutput, snapshot: boolean): AlertPayload | null {
  const rule = withoutPrefix(alert.rule, 'ALERT_RULE_', ALERT_RULES);
  const severity = withoutPrefix(alert.severity, 'ALERT_SEVERITY_', ALERT_SEVERITIES);
  const state = withoutPrefix(alert.state, 'ALERT_STATE_', ALERT_STATES);
  if (rule === null || severity === null || state === null) return null;
  return {
    alertId: alert.alertId,
    sensorId: alert.sensorId,
    sensorType: alert.sensorType,
    siteId: alert.siteId,
    rule,
    severity,
    state,
    // JSON has no NaN: a non-finite value becomes null on the wire and NaN again in the page.
    triggerValue: alert.triggerValue,
    peakValue: alert.peakValue,
    threshold: alert.threshold,
    openedAtMs: alert.openedAtMs,
    lastSeenAtMs: alert.lastSeenAtMs,
    clearedAtMs: alert.clearedAtMs > 0 ? alert.clearedAtMs : null,
    acknowledgedAtMs: alert.acknowledgedAtMs > 0 ? alert.acknowledgedAtMs : null,
    acknowledgedBy: alert.acknowledgedBy === '' ? null : alert.acknowledgedBy,
    message: alert.message,
    snapshot,
  };
}

/** The SSE event of an `alert` or `removed` message. */
export function alertRecordEvent(message: AlertEvent__Output): RecordEvent | null {
  if (message.alert) {
    const payload = toAlertPayload(message.alert, message.snapshot);
    return payload === null ? null : { event: ALERT_EVENTS.alert, data: payload };
  }
  if (message.removed) {
    const rule = withoutPrefix<AlertRuleName>(message.removed.rule, 'ALERT_RULE_', ALERT_RULES);
    return rule === null ? null : { event: ALERT_EVENTS.removed, data: { sensorId: message.removed.sensorId, rule } };
  }
  return null;
}

const alertFiltersSchema = z.strictObject({
  site: listOf(identifier),
  sensor: listOf(identifier),
  severity: listOf(z.enum(ALERT_SEVERITIES)),
  state: listOf(z.enum(ALERT_STATES)),
});

export type AlertFilters = z.output<typeof alertFiltersSchema>;

/** The query of `/api/alerts/stream` (and of the /alerts page): every problem, or the filters. */
export function parseAlertFilters(params: URLSearchParams): { ok: true; filters: AlertFilters } | { ok: false; message: string } {
  return parseQueryFilters(alertFiltersSchema, params);
}

/** The StreamAlerts request for the filters (without resume_cursor, which the relay adds). */
export function streamAlertsRequest(filters: AlertFilters): StreamAlertsRequest {
  return {
    siteIds: filters.site,
    sensorIds: filters.sensor,
    severities: filters.severity.map((severity) => `ALERT_SEVERITY_${severity}` as const),
    states: filters.state.map((state) => `ALERT_STATE_${state}` as const),
  };
}

/** The same filters as a query string for the page's EventSource URL ('' when none). */
export function alertFiltersQuery(filters: AlertFilters): string {
  return filtersQuery(filters);
}
