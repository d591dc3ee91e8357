import type { Alert, AlertKey, AlertRule, Device, SensorReading } from '@iot/contracts';
import type { AlertRulesConfig } from './alert-rules.ts';
import { acknowledge, clearNow, expire, newLifecycle, observe, type LifecycleRules, type LifecycleState, type Signal } from './alert-lifecycle.ts';
import { emptyBaseline, rangeSignal, rateSignal, silenceSignal, zscoreSignal, type Baseline, type LastPoint, type RangeLimits } from './detectors.ts';

/** The device registry's current row for a sensor, if it has one. */
export type DeviceLookup = (sensorId: string) => Device | undefined;

/** One sensor's detector state; plain data, so it goes to the changelog as JSON. */
export interface SensorState {
  sensorId: string;
  sensorType: string;
  siteId: string;
  unit: string;
  /** Newest event time seen. */
  lastEventTime: number;
  baseline: Baseline;
  last: LastPoint | null;
  lifecycles: Partial<Record<AlertRule, LifecycleState>>;
}

/** An alert record for iot.alerts: a value, or null to tombstone the key. */
export interface AlertRecord {
  readonly key: AlertKey;
  readonly value: Alert | null;
}

export interface MonitorFlush {
  readonly alerts: AlertRecord[];
  /** Sensors whose state changed since the last flush; null state: forgotten. */
  readonly changed: Array<{ sensorId: string; state: SensorState | null }>;
}

/**
 * The anomaly detectors of ONE input partition's sensors. Readings feed RANGE, ZSCORE and
 * RATE_OF_CHANGE; `tick` (wall clock) drives SILENCE, emits refreshes the rate limit held back,
 * tombstones expired cleared alerts and forgets sensors silent for `silence.forgetAfterMs`.
 * RANGE uses the device registry's thresholds where the device has them (else its type's), and
 * a disabled device raises nothing: its active alerts clear as soon as it is disabled.
 */
export class PartitionMonitors {
  private readonly sensors = new Map<string, SensorState>();
  private readonly unsaved = new Set<string>();
  private pending: AlertRecord[] = [];

  constructor(
    private readonly rules: AlertRulesConfig,
    private readonly devices: DeviceLookup = () => undefined,
  ) {}

  get sensorCount(): number {
    return this.sensors.size;
  }

  observe(reading: SensorReading): void {
    const device = this.devices(reading.sensorId);
    if (device && !device.enabled) return this.deviceChanged(reading.sensorId, reading.timestamp);
    let sensor = this.sensors.get(reading.sensorId);
    if (!sensor) {
      sensor = {
        sensorId: reading.sensorId,
        sensorType: reading.sensorType,
        siteId: reading.siteId,
        unit: reading.unit,
        lastEventTime: reading.timestamp,
        baseline: emptyBaseline(),
        last: null,
        lifecycles: {},
      };
      this.sensors.set(reading.sensorId, sensor);
    }
    sensor.lastEventTime = Math.max(sensor.lastEventTime, reading.timestamp);
    this.unsaved.add(sensor.sensorId);
    const { rules } = this;
    const at = reading.timestamp;
    const range = rangeLimits(rules.types[sensor.sensorType], device);
    if (range) this.feed(sensor, 'RANGE', rangeSignal(reading.value, range, rules.range, sensor.unit), at);
    const limits = rules.types[sensor.sensorType];
    if (limits) {
      const rate = rateSignal(reading.value, reading.timestamp, sensor.last, limits, rules.rateOfChange, sensor.unit);
      if (rate) this.feed(sensor, 'RATE_OF_CHANGE', rate, at);
    }
    if (!sensor.last || reading.timestamp > sensor.last.timestamp) sensor.last = { timestamp: reading.timestamp, value: reading.value };
    this.feed(sensor, 'ZSCORE', zscoreSignal(reading.value, sensor.baseline, rules.zscore, sensor.unit), at);
    if (sensor.lifecycles.SILENCE) this.feed(sensor, 'SILENCE', silenceSignal(sensor.lastEventTime, at, rules.silence), at);
  }

  /** Wall-clock work; call only for a partition read to its end (a backlog is not silence). */
  tick(now: number): void {
    for (const sensor of [...this.sensors.values()]) {
      if (now - sensor.lastEventTime >= this.rules.silence.forgetAfterMs) {
        this.forget(sensor, now);
        continue;
      }
      if (this.devices(sensor.sensorId)?.enabled !== false) this.feed(sensor, 'SILENCE', silenceSignal(sensor.lastEventTime, now, this.rules.silence), now);
      for (const [rule, lifecycle] of Object.entries(sensor.lifecycles) as Array<[AlertRule, LifecycleState]>) {
        const expiry = expire(lifecycle, now, this.lifecycleRules(rule));
        if (!expiry) continue;
        this.unsaved.add(sensor.sensorId);
        if (expiry.kind === 'refresh') {
          this.pending.push({ key: { sensorId: sensor.sensorId, rule }, value: expiry.alert });
        } else {
          delete sensor.lifecycles[rule];
          this.pending.push({ key: { sensorId: sensor.sensorId, rule }, value: null });
        }
      }
    }
  }

  /**
   * The registry changed this sensor's device. Disabled: its active alerts clear now (their
   * cleared records expire as usual) and its detectors stop. New thresholds need nothing here:
   * the next reading is judged by them.
   */
  deviceChanged(sensorId: string, now: number): void {
    const sensor = this.sensors.get(sensorId);
    if (!sensor || this.devices(sensorId)?.enabled !== false) return;
    for (const [rule, lifecycle] of Object.entries(sensor.lifecycles) as Array<[AlertRule, LifecycleState]>) {
      const alert = clearNow(lifecycle, now, 'device disabled in the registry');
      if (!alert) continue;
      this.pending.push({ key: { sensorId, rule }, value: alert });
      this.unsaved.add(sensorId);
    }
  }

  /** Acknowledges the open alert with this id; false when there is none (cleared, or another occurrence). */
  acknowledge(key: AlertKey, alertId: string, by: string, at: number): boolean {
    const sensor = this.sensors.get(key.sensorId);
    const lifecycle = sensor?.lifecycles[key.rule];
    const alert = lifecycle && acknowledge(lifecycle, alertId, by, at);
    if (!alert) return false;
    this.unsaved.add(key.sensorId);
    this.pending.push({ key, value: alert });
    return true;
  }

  flush(): MonitorFlush {
    const alerts = this.pending;
    this.pending = [];
    const changed = [...this.unsaved].map((sensorId) => ({ sensorId, state: this.sensors.get(sensorId) ?? null }));
    this.unsaved.clear();
    return { alerts, changed };
  }

  restore(states: Iterable<SensorState>): void {
    this.sensors.clear();
    this.unsaved.clear();
    this.pending = [];
    for (const state of states) this.sensors.set(state.sensorId, state);
  }

  /** A decommissioned sensor: its active alerts clear, its cleared ones are tombstoned, its state goes. */
  private forget(sensor: SensorState, now: number): void {
    for (const [rule, lifecycle] of Object.entries(sensor.lifecycles) as Array<[AlertRule, LifecycleState]>) {
      const key = { sensorId: sensor.sensorId, rule };
      const alert = lifecycle.alert;
      if (alert && alert.state !== 'CLEARED') {
        const message = `cleared: sensor silent for ${Math.round((now - sensor.lastEventTime) / 1000)} s, no longer monitored`;
        this.pending.push({ key, value: { ...alert, state: 'CLEARED', clearedAt: now, message } });
      } else if (alert) {
        this.pending.push({ key, value: null });
      }
    }
    this.sensors.delete(sensor.sensorId);
    this.unsaved.add(sensor.sensorId);
  }

  private feed(sensor: SensorState, rule: AlertRule, signal: Signal, at: number): void {
    // No state for a rule that has never breached: most sensors never alert.
    if (signal.kind !== 'breach' && !sensor.lifecycles[rule]) return;
    const lifecycle = (sensor.lifecycles[rule] ??= newLifecycle());
    const alert = observe(lifecycle, signal, at, sensor, rule, this.lifecycleRules(rule));
    if (alert) this.pending.push({ key: { sensorId: sensor.sensorId, rule }, value: alert });
    else if (lifecycle.alert === null && lifecycle.breachStreak === 0) delete sensor.lifecycles[rule];
  }

  private lifecycleRules(rule: AlertRule): LifecycleRules {
    const { rules } = this;
    const counts =
      rule === 'RANGE' ? rules.range : rule === 'ZSCORE' ? rules.zscore : rule === 'RATE_OF_CHANGE' ? rules.rateOfChange : { raiseAfter: 1, clearAfter: 1 };
    return { raiseAfter: counts.raiseAfter, clearAfter: counts.clearAfter, refreshIntervalMs: rules.refreshIntervalMs, clearedRetentionMs: rules.clearedRetentionMs };
  }
}

/** The RANGE band: the device's thresholds, each side falling back to the type's limit; none if neither gives both sides. */
function rangeLimits(typeLimits: RangeLimits | undefined, device: Device | undefined): RangeLimits | undefined {
  const min = device?.minThreshold ?? typeLimits?.min;
  const max = device?.maxThreshold ?? typeLimits?.max;
  // One side from the device and the other from the type can cross; such a band judges nothing.
  return min !== undefined && max !== undefined && min < max ? { min, max } : undefined;
}
