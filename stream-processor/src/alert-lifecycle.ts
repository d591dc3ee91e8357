import type { Alert, AlertRule, AlertSeverity } from '@iot/contracts';

/** What a detector concluded from one observation. */
export type Signal =
  | {
      readonly kind: 'breach';
      /** The measurement that crossed the limit (a reading's value, a rate, seconds of silence). */
      readonly value: number;
      readonly threshold: number;
      /** How far past the limit, in comparable units: the peak is the breach with the largest excess. */
      readonly excess: number;
      readonly severity: AlertSeverity;
      readonly message: string;
    }
  /** Clearly back to normal: counts towards clearing. */
  | { readonly kind: 'normal' }
  /** Between the clear and raise limits (hysteresis band): neither raises nor clears. */
  | { readonly kind: 'hold' };

export interface LifecycleRules {
  readonly raiseAfter: number;
  readonly clearAfter: number;
  readonly refreshIntervalMs: number;
  readonly clearedRetentionMs: number;
}

/** Where the sensor is, for the alert record. */
export interface SensorIdentity {
  readonly sensorId: string;
  readonly sensorType: string;
  readonly siteId: string;
}

/** One {sensor, rule}'s lifecycle state; plain data, so it goes to the changelog as JSON. */
export interface LifecycleState {
  breachStreak: number;
  normalStreak: number;
  /** The current alert (OPEN, ACKNOWLEDGED or CLEARED), if any. */
  alert: Alert | null;
  /** The excess of the alert's peak, to compare new breaches against. */
  peakExcess: number;
  /** When the alert's record was last emitted, and whether it changed since. */
  lastEmittedAt: number;
  unemitted: boolean;
}

export function newLifecycle(): LifecycleState {
  return { breachStreak: 0, normalStreak: 0, alert: null, peakExcess: 0, lastEmittedAt: 0, unemitted: false };
}

const isActive = (alert: Alert | null): alert is Alert => alert !== null && alert.state !== 'CLEARED';

/**
 * Feeds one signal into a {sensor, rule} lifecycle: OPEN after `raiseAfter` breaches in a row,
 * then (ACKNOWLEDGED,) CLEARED after `clearAfter` normal signals in a row. While it is open,
 * breaches refresh the same alert (last seen, peak) instead of opening another one. Returns the
 * alert record to emit, if any: opening and clearing always emit, refreshes at most once per
 * `refreshIntervalMs` (a held-back refresh is emitted by a later signal or by `expire`).
 */
export function observe(state: LifecycleState, signal: Signal, at: number, sensor: SensorIdentity, rule: AlertRule, rules: LifecycleRules): Alert | undefined {
  if (signal.kind === 'hold') {
    state.breachStreak = 0;
    state.normalStreak = 0;
    return undefined;
  }
  if (signal.kind === 'normal') {
    state.breachStreak = 0;
    state.normalStreak += 1;
    if (isActive(state.alert) && state.normalStreak >= rules.clearAfter) {
      state.alert = { ...state.alert, state: 'CLEARED', clearedAt: at, message: `cleared: ${state.alert.message}` };
      return emitted(state, at);
    }
    return undefined;
  }
  state.normalStreak = 0;
  state.breachStreak += 1;
  const alert = state.alert;
  if (isActive(alert)) {
    let changed = false;
    if (at > alert.lastSeenAt) {
      alert.lastSeenAt = at;
      changed = true;
    }
    if (signal.excess > state.peakExcess) {
      state.peakExcess = signal.excess;
      alert.peakValue = signal.value;
      // An alert may escalate, never de-escalate while open.
      if (signal.severity === 'CRITICAL') alert.severity = 'CRITICAL';
      changed = true;
    }
    // A breach that changes nothing (a repeated or older reading, no new peak) emits nothing:
    // a refresh identical to the last record would only look like a duplicate downstream.
    if (!changed) return undefined;
    state.unemitted = true;
    return at - state.lastEmittedAt >= rules.refreshIntervalMs ? emitted(state, at) : undefined;
  }
  if (state.breachStreak < rules.raiseAfter) return undefined;
  state.peakExcess = signal.excess;
  state.alert = {
    alertId: `${sensor.sensorId}/${rule}/${at}`,
    sensorId: sensor.sensorId,
    sensorType: sensor.sensorType,
    siteId: sensor.siteId,
    rule,
    severity: signal.severity,
    state: 'OPEN',
    triggerValue: signal.value,
    peakValue: signal.value,
    threshold: signal.threshold,
    openedAt: at,
    lastSeenAt: at,
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    message: signal.message,
  };
  return emitted(state, at);
}

/** Marks an open alert acknowledged (by its id, so an ack for an older occurrence does nothing). */
export function acknowledge(state: LifecycleState, alertId: string, by: string, at: number): Alert | undefined {
  if (state.alert?.state !== 'OPEN' || state.alert.alertId !== alertId) return undefined;
  state.alert = { ...state.alert, state: 'ACKNOWLEDGED', acknowledgedAt: at, acknowledgedBy: by };
  return emitted(state, at);
}

/** Clears an active alert at once, for a reason outside the detector (the device was disabled). */
export function clearNow(state: LifecycleState, at: number, reason: string): Alert | undefined {
  state.breachStreak = 0;
  state.normalStreak = 0;
  if (!isActive(state.alert)) return undefined;
  state.alert = { ...state.alert, state: 'CLEARED', clearedAt: at, message: `cleared: ${reason}` };
  return emitted(state, at);
}

export type Expiry = { kind: 'refresh'; alert: Alert } | { kind: 'tombstone' } | undefined;

/**
 * Wall-clock housekeeping: a refresh held back by the rate limit is emitted once it is due,
 * and a cleared alert older than the retention is tombstoned (the caller then drops the state).
 */
export function expire(state: LifecycleState, now: number, rules: LifecycleRules): Expiry {
  const alert = state.alert;
  if (!alert) return undefined;
  if (alert.state === 'CLEARED') {
    return alert.clearedAt !== null && now - alert.clearedAt >= rules.clearedRetentionMs ? { kind: 'tombstone' } : undefined;
  }
  if (state.unemitted && now - state.lastEmittedAt >= rules.refreshIntervalMs) return { kind: 'refresh', alert: emitted(state, now) };
  return undefined;
}

function emitted(state: LifecycleState, at: number): Alert {
  state.lastEmittedAt = at;
  state.unemitted = false;
  return { ...state.alert! };
}
