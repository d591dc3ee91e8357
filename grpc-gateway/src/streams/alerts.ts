import type { Alert, AlertRule } from '@iot/contracts';
import type { AlertEvent, AlertMessage, AlertSeverity, AlertState, StreamAlertsRequest__Output } from '@iot/contracts/grpc';
import { listFilter, passes } from './request-filters.ts';
import type { StreamSpec } from './subscription.ts';
import type { TopicRecord, TopicState } from './topic-state.ts';

/** Key of an alert on the gateway: JSON [sensorId, rule], so a tombstone still says which alert went. */
export const alertKey = (sensorId: string, rule: AlertRule) => JSON.stringify([sensorId, rule]);
const parseAlertKey = (key: string) => JSON.parse(key) as [string, AlertRule];

const SEVERITIES = ['ALERT_SEVERITY_WARNING', 'ALERT_SEVERITY_CRITICAL'] as const;
const STATES = ['ALERT_STATE_OPEN', 'ALERT_STATE_ACKNOWLEDGED', 'ALERT_STATE_CLEARED'] as const;

export const toRuleEnum = (rule: AlertRule) => `ALERT_RULE_${rule}` as const;

export function toAlertMessage(alert: Alert): AlertMessage {
  return {
    alertId: alert.alertId,
    sensorId: alert.sensorId,
    sensorType: alert.sensorType,
    siteId: alert.siteId,
    rule: toRuleEnum(alert.rule),
    severity: `ALERT_SEVERITY_${alert.severity}` as AlertSeverity,
    state: `ALERT_STATE_${alert.state}` as AlertState,
    triggerValue: alert.triggerValue,
    peakValue: alert.peakValue,
    threshold: alert.threshold,
    openedAtMs: alert.openedAt,
    lastSeenAtMs: alert.lastSeenAt,
    clearedAtMs: alert.clearedAt ?? 0,
    acknowledgedAtMs: alert.acknowledgedAt ?? 0,
    acknowledgedBy: alert.acknowledgedBy ?? '',
    message: alert.message,
  };
}

/** An enum list filter, as the Avro names (ALERT_STATE_OPEN → OPEN). */
function enumFilter(field: string, values: readonly string[], allowed: readonly string[], prefix: string): Set<string> | undefined {
  const set = listFilter(field, values, allowed);
  return set && new Set([...set].map((value) => value.slice(prefix.length)));
}

export function alertsFilter(request: StreamAlertsRequest__Output) {
  return {
    siteIds: listFilter('site_ids', request.siteIds),
    sensorIds: listFilter('sensor_ids', request.sensorIds),
    severities: enumFilter('severities', request.severities, SEVERITIES, 'ALERT_SEVERITY_'),
    states: enumFilter('states', request.states, STATES, 'ALERT_STATE_'),
  };
}

export function alertsSpec(state: TopicState<Alert>, filter: ReturnType<typeof alertsFilter>, now = Date.now): StreamSpec<Alert, AlertEvent> {
  const valueMatches = (alert: Alert) =>
    passes(filter.siteIds, alert.siteId) && passes(filter.sensorIds, alert.sensorId) && passes(filter.severities, alert.severity) && passes(filter.states, alert.state);
  return {
    state,
    coalesce: false, // every state change reaches the client, or it is told to resync
    // A change also goes to those whose filter the alert's previous value passed, so a client
    // learns that an alert left its filter (OPEN → ACKNOWLEDGED for a client of OPEN ones) or went.
    // A removal of an alert the gateway never held is known by its key only: the sensor filter decides.
    matches: (record) =>
      (record.value !== null && valueMatches(record.value)) ||
      (record.previous !== undefined ? valueMatches(record.previous) : record.value === null && passes(filter.sensorIds, parseAlertKey(record.key)[0])),
    inSnapshot: (record) => record.value !== null && valueMatches(record.value),
    recordEvent: (record: TopicRecord<Alert>, snapshot) => {
      const common = { position: record.position, snapshot, cursor: snapshot ? '' : record.cursor };
      if (record.value) return { alert: toAlertMessage(record.value), ...common };
      const [sensorId, rule] = parseAlertKey(record.key);
      return { removed: { sensorId, rule: toRuleEnum(rule) }, ...common };
    },
    snapshotCompleteEvent: (count, cursor) => ({ snapshotComplete: { count }, cursor }),
    heartbeatEvent: (cursor) => ({ heartbeat: { serverTimeMs: now() }, cursor }),
  };
}
