import type { Device } from '@iot/contracts';
import { isOpenCritical, type AlertPayload, type AlertRemovedPayload, type AlertRuleName } from './alert.ts';
import type { ReadingPayload } from './reading.ts';

/**
 * The Fleet page's state and the pure reducer that applies the readings and alerts streams to the
 * device registry from ListSensors (no React, no I/O), plus the pure views the page renders:
 * each sensor's status, the groups by site, the filters.
 */

export type SensorStatus = 'ok' | 'alerting' | 'silent' | 'disabled';
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'resyncing';
export type FleetStream = 'readings' | 'alerts';

/** No reading for this long (event time vs the page's clock): silent, like the processor's SILENCE rule. */
export const SILENT_AFTER_MS = 30_000;
/** Points kept per sensor for its sparkline (the newest). */
export const SPARKLINE_POINTS = 60;
/** The group of sensors whose readings arrive but that the device registry does not list. */
export const UNREGISTERED_GROUP = 'unregistered';

/** A sensor of ListSensors as the page receives it from the server render (plain JSON). */
export interface RegistrySensor {
  sensorId: string;
  sensorType: string;
  siteId: string;
  displayName: string;
  unit: string;
  /** The RANGE band; null: the type's default. */
  minThreshold: number | null;
  maxThreshold: number | null;
  enabled: boolean;
  latestReading: ReadingPoint | null;
  /** OPEN or ACKNOWLEDGED alerts when the registry was read. */
  openAlertCount: number;
}

export interface ReadingPoint {
  /** Event time, epoch ms. */
  timestampMs: number;
  value: number;
}

/** A device of the registry (the contract's, but for its update time), with what the page saw of it. */
export interface FleetSensor extends Omit<Device, 'updatedAt'> {
  /** Listed by the device registry (ListSensors); false: known only from its readings. */
  readonly registered: boolean;
  /** Recent readings, oldest first by event time, at most SPARKLINE_POINTS; the last is the latest. */
  readonly recent: readonly ReadingPoint[];
  /** The registry's open alert count, shown until the alerts stream's snapshot is complete. */
  readonly registryOpenAlertCount: number;
}

export interface StreamState {
  readonly status: StreamStatus;
  /** Page clock when the stream last told us something (a record, a snapshot's end, a heartbeat). */
  readonly updatedAtMs: number | null;
  /** The last problem (an `error` or `resync` reason), cleared when the stream is live again. */
  readonly problem: string | null;
}

/** What the page keeps of an OPEN or ACKNOWLEDGED alert. */
export type OpenAlert = Pick<AlertPayload, 'state' | 'severity'>;

/** Per sensor, its OPEN or ACKNOWLEDGED alerts: rule → state and severity. */
export type OpenAlerts = ReadonlyMap<string, ReadonlyMap<AlertRuleName, OpenAlert>>;

export interface FleetState {
  readonly sensors: ReadonlyMap<string, FleetSensor>;
  /** Whether ListSensors answered for the server render; if not, every sensor is known from its readings only. */
  readonly registryLoaded: boolean;
  /** From the alerts stream, once its first snapshot is complete (`alertsKnown`). Held for every sensor, shown or not. */
  readonly openAlerts: OpenAlerts;
  readonly alertsKnown: boolean;
  /** While an alerts snapshot arrives: its open alerts so far; they replace `openAlerts` when it is complete. */
  readonly pendingAlerts: OpenAlerts | null;
  readonly readings: StreamState;
  readonly alerts: StreamState;
}

export type FleetAction =
  | { readonly type: 'ready'; readonly stream: FleetStream; readonly resumed: boolean }
  | { readonly type: 'snapshot-complete'; readonly stream: FleetStream; readonly atMs: number }
  | { readonly type: 'heartbeat'; readonly stream: FleetStream; readonly atMs: number }
  | { readonly type: 'resync'; readonly stream: FleetStream; readonly reason: string }
  | { readonly type: 'disconnected'; readonly stream: FleetStream; readonly problem: string | null }
  | { readonly type: 'reading'; readonly reading: ReadingPayload; readonly atMs: number }
  | { readonly type: 'alert'; readonly alert: Pick<AlertPayload, 'sensorId' | 'rule' | 'state' | 'severity' | 'snapshot'>; readonly atMs: number }
  | { readonly type: 'alert-removed'; readonly removed: AlertRemovedPayload; readonly atMs: number }
  | { readonly type: 'batch'; readonly actions: readonly FleetAction[] };

const CONNECTING: StreamState = { status: 'connecting', updatedAtMs: null, problem: null };

/** The state before the streams: the registry from the server render (null: it did not answer). */
export function initialFleet(registry: readonly RegistrySensor[] | null): FleetState {
  const sensors = new Map<string, FleetSensor>();
  for (const sensor of registry ?? []) {
    sensors.set(sensor.sensorId, {
      sensorId: sensor.sensorId,
      sensorType: sensor.sensorType,
      siteId: sensor.siteId,
      displayName: sensor.displayName,
      unit: sensor.unit,
      minThreshold: sensor.minThreshold,
      maxThreshold: sensor.maxThreshold,
      enabled: sensor.enabled,
      registered: true,
      recent: sensor.latestReading === null ? [] : [sensor.latestReading],
      registryOpenAlertCount: sensor.openAlertCount,
    });
  }
  return {
    sensors,
    registryLoaded: registry !== null,
    openAlerts: new Map(),
    alertsKnown: false,
    pendingAlerts: null,
    readings: CONNECTING,
    alerts: CONNECTING,
  };
}

/** A working copy; the maps are copied on first change only. */
interface Draft {
  sensors: Map<string, FleetSensor> | null;
  openAlerts: Map<string, ReadonlyMap<AlertRuleName, OpenAlert>> | null;
  pendingAlerts: Map<string, ReadonlyMap<AlertRuleName, OpenAlert>> | null | undefined;
  alertsKnown: boolean;
  readings: StreamState;
  alerts: StreamState;
}

export function fleetReducer(state: FleetState, action: FleetAction): FleetState {
  const draft: Draft = { sensors: null, openAlerts: null, pendingAlerts: undefined, alertsKnown: state.alertsKnown, readings: state.readings, alerts: state.alerts };
  apply(state, draft, action);
  return {
    sensors: draft.sensors ?? state.sensors,
    registryLoaded: state.registryLoaded,
    openAlerts: draft.openAlerts ?? state.openAlerts,
    alertsKnown: draft.alertsKnown,
    pendingAlerts: draft.pendingAlerts === undefined ? state.pendingAlerts : draft.pendingAlerts,
    readings: draft.readings,
    alerts: draft.alerts,
  };
}

function sensorsOf(state: FleetState, draft: Draft): Map<string, FleetSensor> {
  return (draft.sensors ??= new Map(state.sensors));
}

/** The alert map a change goes to: the snapshot being collected, if any, else the held one. */
function alertTarget(state: FleetState, draft: Draft): Map<string, ReadonlyMap<AlertRuleName, OpenAlert>> {
  if (draft.pendingAlerts === undefined) draft.pendingAlerts = state.pendingAlerts === null ? null : new Map(state.pendingAlerts);
  if (draft.pendingAlerts !== null) return draft.pendingAlerts;
  return (draft.openAlerts ??= new Map(state.openAlerts));
}

function setStream(draft: Draft, stream: FleetStream, change: Partial<StreamState>): void {
  draft[stream] = { ...draft[stream], ...change };
}

function apply(state: FleetState, draft: Draft, action: FleetAction): void {
  switch (action.type) {
    case 'batch':
      for (const inner of action.actions) apply(state, draft, inner);
      return;
    case 'ready':
      // A fresh subscription is live at its snapshot's end; a resumed one at once (no snapshot follows).
      if (!action.resumed) {
        if (action.stream === 'alerts') draft.pendingAlerts = new Map();
      } else if (action.stream === 'readings' || currentPending(state, draft) === null) {
        setStream(draft, action.stream, { status: 'live', problem: null });
      }
      return;
    case 'snapshot-complete':
      if (action.stream === 'alerts') {
        draft.openAlerts = new Map(currentPending(state, draft) ?? []);
        draft.pendingAlerts = null;
        draft.alertsKnown = true;
      }
      setStream(draft, action.stream, { status: 'live', updatedAtMs: action.atMs, problem: null });
      return;
    case 'heartbeat':
      setStream(draft, action.stream, { updatedAtMs: action.atMs });
      return;
    case 'resync':
      // Readings: what is held stays (a fresh snapshot of latest readings merges in). Alerts: a fresh snapshot replaces them when complete.
      if (action.stream === 'alerts') draft.pendingAlerts = null;
      setStream(draft, action.stream, { status: 'resyncing', problem: action.reason });
      return;
    case 'disconnected':
      // A half-received alerts snapshot is worthless: the next connection starts its own.
      if (action.stream === 'alerts') draft.pendingAlerts = null;
      setStream(draft, action.stream, {
        status: draft[action.stream].status === 'resyncing' ? 'resyncing' : 'reconnecting',
        problem: action.problem ?? draft[action.stream].problem,
      });
      return;
    case 'reading':
      putReading(sensorsOf(state, draft), action.reading);
      setStream(draft, 'readings', { updatedAtMs: action.atMs });
      return;
    case 'alert': {
      const target = alertTarget(state, draft);
      const rules = new Map(target.get(action.alert.sensorId) ?? []);
      if (action.alert.state === 'CLEARED') rules.delete(action.alert.rule);
      else rules.set(action.alert.rule, { state: action.alert.state, severity: action.alert.severity });
      if (rules.size === 0) target.delete(action.alert.sensorId);
      else target.set(action.alert.sensorId, rules);
      if (!action.alert.snapshot) setStream(draft, 'alerts', { updatedAtMs: action.atMs });
      return;
    }
    case 'alert-removed': {
      const target = alertTarget(state, draft);
      const rules = target.get(action.removed.sensorId);
      if (rules?.has(action.removed.rule)) {
        const next = new Map(rules);
        next.delete(action.removed.rule);
        if (next.size === 0) target.delete(action.removed.sensorId);
        else target.set(action.removed.sensorId, next);
      }
      setStream(draft, 'alerts', { updatedAtMs: action.atMs });
      return;
    }
  }
}

function currentPending(state: FleetState, draft: Draft): OpenAlerts | null {
  return draft.pendingAlerts === undefined ? state.pendingAlerts : draft.pendingAlerts;
}

/**
 * Adds a reading to its sensor's recent points (in event-time order; a reading seen twice, e.g. a
 * snapshot's latest that was already live, counts once). A sensor the registry does not list is
 * added, unregistered, with the site, type and unit its readings carry.
 */
function putReading(sensors: Map<string, FleetSensor>, reading: ReadingPayload): void {
  const point: ReadingPoint = { timestampMs: reading.timestampMs, value: reading.value };
  const held = sensors.get(reading.sensorId);
  if (held === undefined) {
    sensors.set(reading.sensorId, {
      sensorId: reading.sensorId,
      sensorType: reading.sensorType,
      siteId: reading.siteId,
      displayName: '',
      unit: reading.unit,
      minThreshold: null,
      maxThreshold: null,
      enabled: true,
      registered: false,
      recent: [point],
      registryOpenAlertCount: 0,
    });
    return;
  }
  const recent = withPoint(held.recent, point);
  if (recent === held.recent) return;
  sensors.set(reading.sensorId, { ...held, unit: held.unit === '' ? reading.unit : held.unit, recent });
}

/** The points with one more, in order and capped; the same array when it was already there. */
export function withPoint(points: readonly ReadingPoint[], point: ReadingPoint): readonly ReadingPoint[] {
  const last = points[points.length - 1];
  let next: ReadingPoint[];
  if (last === undefined || point.timestampMs > last.timestampMs) {
    next = [...points, point];
  } else {
    if (points.some((p) => p.timestampMs === point.timestampMs && Object.is(p.value, point.value))) return points;
    next = [...points, point].sort((a, b) => a.timestampMs - b.timestampMs);
  }
  return next.length > SPARKLINE_POINTS ? next.slice(next.length - SPARKLINE_POINTS) : next;
}

export function latestReading(sensor: FleetSensor): ReadingPoint | null {
  return sensor.recent[sensor.recent.length - 1] ?? null;
}

/** OPEN and ACKNOWLEDGED alerts of the sensor: from the alerts stream once known, else the registry's count. */
export function openAlertCount(state: FleetState, sensor: FleetSensor): number {
  return state.alertsKnown ? (state.openAlerts.get(sensor.sensorId)?.size ?? 0) : sensor.registryOpenAlertCount;
}

/**
 * Open critical alerts of every sensor, shown or not (what the tab's title counts, as on /alerts);
 * none until the alerts stream's snapshot is complete (the registry's counts have no severity).
 */
export function openCriticalAlertCount(openAlerts: OpenAlerts): number {
  let count = 0;
  for (const rules of openAlerts.values()) for (const alert of rules.values()) if (isOpenCritical(alert)) count++;
  return count;
}

/**
 * A sensor's status, in this order: disabled (enabled = false), alerting (an OPEN or ACKNOWLEDGED
 * alert other than SILENCE), silent (a SILENCE alert, no reading yet, or none for SILENT_AFTER_MS
 * by the page's clock), ok. Until the alerts stream's snapshot is complete, the registry's open
 * alert count stands for the alerts (any > 0: alerting).
 */
export function sensorStatus(state: FleetState, sensor: FleetSensor, nowMs: number): SensorStatus {
  if (!sensor.enabled) return 'disabled';
  if (state.alertsKnown) {
    const rules = state.openAlerts.get(sensor.sensorId);
    if (rules !== undefined) {
      for (const rule of rules.keys()) if (rule !== 'SILENCE') return 'alerting';
      return 'silent';
    }
  } else if (sensor.registryOpenAlertCount > 0) {
    return 'alerting';
  }
  const latest = latestReading(sensor);
  if (latest === null || nowMs - latest.timestampMs > SILENT_AFTER_MS) return 'silent';
  return 'ok';
}

export interface FleetFilters {
  /** '' : every site. */
  readonly site: string;
  /** '' : every type. */
  readonly type: string;
  /** Case-insensitive part of the sensor id or display name; '' : no search. */
  readonly search: string;
}

export const NO_FILTERS: FleetFilters = { site: '', type: '', search: '' };

export interface FleetGroup {
  /** The site id, or UNREGISTERED_GROUP. */
  readonly key: string;
  readonly label: string;
  readonly sensors: readonly FleetSensor[];
}

export function matchesFilters(sensor: FleetSensor, filters: FleetFilters): boolean {
  if (filters.site !== '' && sensor.siteId !== filters.site) return false;
  if (filters.type !== '' && sensor.sensorType !== filters.type) return false;
  const search = filters.search.trim().toLowerCase();
  return search === '' || sensor.sensorId.toLowerCase().includes(search) || sensor.displayName.toLowerCase().includes(search);
}

/**
 * The sensors that pass the filters, grouped by site (sites in order, sensors by id), and the
 * unregistered ones in one group of their own after them. When the registry could not be read,
 * every sensor is grouped by the site its readings carry.
 */
export function fleetGroups(state: FleetState, filters: FleetFilters): FleetGroup[] {
  const bySite = new Map<string, FleetSensor[]>();
  const unregistered: FleetSensor[] = [];
  for (const sensor of state.sensors.values()) {
    if (!matchesFilters(sensor, filters)) continue;
    if (!sensor.registered && state.registryLoaded) unregistered.push(sensor);
    else {
      const group = bySite.get(sensor.siteId);
      if (group === undefined) bySite.set(sensor.siteId, [sensor]);
      else group.push(sensor);
    }
  }
  const byId = (a: FleetSensor, b: FleetSensor) => compareText(a.sensorId, b.sensorId);
  const groups: FleetGroup[] = [...bySite.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([site, sensors]) => ({ key: site, label: site === '' ? '(no site)' : site, sensors: sensors.sort(byId) }));
  if (unregistered.length > 0) groups.push({ key: UNREGISTERED_GROUP, label: 'Not in the device registry', sensors: unregistered.sort(byId) });
  return groups;
}

/** The sites and types of every sensor held, for the filters' options (sorted). */
export function fleetFacets(state: FleetState): { sites: string[]; types: string[] } {
  const sites = new Set<string>();
  const types = new Set<string>();
  for (const sensor of state.sensors.values()) {
    if (sensor.siteId !== '') sites.add(sensor.siteId);
    if (sensor.sensorType !== '') types.add(sensor.sensorType);
  }
  return { sites: [...sites].sort(compareText), types: [...types].sort(compareText) };
}

/** Byte order, as ListSensors sorts (COLLATE "C"). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The statuses, most urgent first (for the page's summary). */
export const SENSOR_STATUS_ORDER: readonly SensorStatus[] = ['alerting', 'silent', 'disabled', 'ok'];
