import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import type { SensorReading } from '@iot/contracts';
import { loadPipelineProto, type ListSensorsRequest__Output, type ListSensorsResponse, type Sensor } from '@iot/contracts/grpc';
import { listSensorsHandler, toSensor, type DeviceRow, type ListSensorsDeps } from './list-sensors.ts';
import { DATABASE_URL, noPool, postgresUnreachable, silentLogger } from '../test-support.ts';

const request = (fields: Partial<ListSensorsRequest__Output> = {}): ListSensorsRequest__Output => ({ siteIds: [], sensorTypes: [], ...fields });

interface Answer {
  error: grpc.ServerErrorResponse | Partial<grpc.StatusObject> | null;
  value: ListSensorsResponse | null | undefined;
}
function invoke(deps: ListSensorsDeps, req: ListSensorsRequest__Output, deadline: grpc.Deadline = Infinity): Promise<Answer> {
  const handler = listSensorsHandler(deps);
  return new Promise((resolve) => {
    const call = { request: req, getDeadline: () => deadline, metadata: new grpc.Metadata() } as unknown as grpc.ServerUnaryCall<ListSensorsRequest__Output, ListSensorsResponse>;
    handler(call, (error, value) => resolve({ error, value }));
  });
}

const UPDATED = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
const row = (fields: Partial<DeviceRow> = {}): DeviceRow => ({
  sensor_id: 'plant-a-vibration-1', sensor_type: 'vibration', site_id: 'plant-a', display_name: 'Plant A vibration 1', unit: 'mm/s',
  min_threshold: 0, max_threshold: 10, enabled: true, updated_at: UPDATED, ...fields,
});
const reading: SensorReading = { sensorId: 'plant-a-vibration-1', sensorType: 'vibration', siteId: 'plant-a', timestamp: 1_767_323_045_678, value: 3.25, unit: 'mm/s' };

test('a request with an empty filter entry or too many entries is INVALID_ARGUMENT naming the field; the database is not touched', async () => {
  const deps: ListSensorsDeps = { pool: noPool, latestReading: () => undefined, openAlertCounts: () => new Map(), logger: silentLogger };
  const cases: Array<[Partial<ListSensorsRequest__Output>, RegExp]> = [
    [{ siteIds: ['plant-a', ''] }, /^site_ids\[1\]: must not be empty$/],
    [{ sensorTypes: ['  '] }, /^sensor_types\[0\]: must not be empty$/],
    [{ siteIds: Array.from({ length: 1001 }, (_, i) => `site-${i}`) }, /^site_ids: at most 1000 entries, got 1001$/],
    [{ sensorTypes: Array.from({ length: 1001 }, (_, i) => `type-${i}`) }, /^sensor_types: at most 1000 entries, got 1001$/],
  ];
  for (const [fields, message] of cases) {
    const { error, value } = await invoke(deps, request(fields));
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error?.details ?? '', message);
    assert.equal(value, undefined);
  }
});

test('a call whose deadline has passed is DEADLINE_EXCEEDED before any query', async () => {
  const { error } = await invoke({ pool: noPool, latestReading: () => undefined, openAlertCounts: () => new Map(), logger: silentLogger }, request(), Date.now() - 10);
  assert.equal(error?.code, grpc.status.DEADLINE_EXCEEDED);
});

test('row to Sensor: every column, updated_at in ms, the latest reading as the proto message, the open alert count', () => {
  assert.deepEqual(toSensor(row(), reading, 2), {
    sensorId: 'plant-a-vibration-1', sensorType: 'vibration', siteId: 'plant-a', displayName: 'Plant A vibration 1', unit: 'mm/s',
    minThreshold: 0, maxThreshold: 10, enabled: true, updatedAtMs: UPDATED.getTime(),
    latestReading: { sensorId: 'plant-a-vibration-1', sensorType: 'vibration', siteId: 'plant-a', timestampMs: 1_767_323_045_678, value: 3.25, unit: 'mm/s' },
    openAlertCount: 2,
  });
  const bare = toSensor(row({ min_threshold: null, max_threshold: null, enabled: false }), undefined, 0);
  assert.equal('minThreshold' in bare, false, 'a NULL threshold is left unset');
  assert.equal('maxThreshold' in bare, false);
  assert.equal(bare.latestReading, null);
  assert.equal(bare.enabled, false);
});

test('on the wire (the real proto serializer): a NULL threshold is absent, a threshold of 0 is present, no reading is unset', () => {
  const method = loadPipelineProto(grpc).iot.v1.PipelineService.service.ListSensors;
  const sensors: Sensor[] = [toSensor(row(), reading, 1), toSensor(row({ sensor_id: 'b', min_threshold: null, max_threshold: null }), undefined, 0)];
  const decoded = method.responseDeserialize(method.responseSerialize({ sensors }));
  const [full, bare] = decoded.sensors;
  assert.equal(full!.minThreshold, 0);
  assert.equal(full!._minThreshold, 'minThreshold', 'zero is set, not the default');
  assert.equal(full!.maxThreshold, 10);
  assert.equal(full!.updatedAtMs, UPDATED.getTime());
  assert.deepEqual(full!.latestReading, { sensorId: 'plant-a-vibration-1', sensorType: 'vibration', siteId: 'plant-a', timestampMs: 1_767_323_045_678, value: 3.25, unit: 'mm/s' });
  assert.equal(full!.openAlertCount, 1);
  assert.equal(bare!.minThreshold, undefined);
  assert.equal(bare!._minThreshold, undefined);
  assert.equal(bare!.maxThreshold, undefined);
  assert.equal(bare!.latestReading, null);
});

// ---------------------------------------------------------------------------------------------
// Against Postgres. The pool has one connection holding a session-private TEMP TABLE devices
// (LIKE the real one: same columns, checks, key), which the handler's unqualified `devices`
// resolves to: nothing is written to the shared table (whose changes CDC streams to iot.devices).

let pool: pg.Pool;
before(async () => {
  if (postgresUnreachable) return;
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, idleTimeoutMillis: 0 });
  await pool.query('CREATE TEMP TABLE devices (LIKE public.devices INCLUDING ALL)');
  const rows: Array<[string, string, string, number | null, number | null, boolean]> = [
    ['x-2', 'temperature', 'site-b', -10, 45, true],
    ['x-10', 'temperature', 'site-b', null, 45, true],
    ['X-3', 'humidity', 'site-b', 5, 95, false],
    ['x-1', 'temperature', 'site-a', null, null, true],
    ['y-1', 'co2', 'site-a', 300, 2000, true],
    ['z-1', 'co2', 'site-c', 300, 2000, true],
  ];
  for (const [id, type, site, min, max, enabled] of rows) {
    await pool.query(
      'INSERT INTO devices (sensor_id, sensor_type, site_id, display_name, unit, min_threshold, max_threshold, enabled, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [id, type, site, `${site} ${id}`, '°C', min, max, enabled, UPDATED],
    );
  }
});
after(async () => {
  await pool?.end(); // the temp table goes with the session
});

const dbDeps = (): ListSensorsDeps & { asked: string[] } => {
  const asked: string[] = [];
  return {
    pool,
    latestReading: (id) => (asked.push(id), id === 'x-2' ? { ...reading, sensorId: 'x-2', siteId: 'site-b', sensorType: 'temperature', unit: '°C' } : undefined),
    openAlertCounts: () => new Map([['x-2', 3]]),
    logger: silentLogger,
    asked,
  };
};

test('ListSensors reads the devices table ordered by site, then sensor id (byte order)', { skip: postgresUnreachable }, async () => {
  const deps = dbDeps();
  const { error, value } = await invoke(deps, request());
  assert.equal(error, null);
  const ids = value!.sensors!.map((sensor) => `${sensor.siteId}/${sensor.sensorId}`);
  assert.deepEqual(ids, ['site-a/x-1', 'site-a/y-1', 'site-b/X-3', 'site-b/x-10', 'site-b/x-2', 'site-c/z-1']);
  const x2 = value!.sensors!.find((sensor) => sensor.sensorId === 'x-2')!;
  assert.deepEqual(x2, {
    sensorId: 'x-2', sensorType: 'temperature', siteId: 'site-b', displayName: 'site-b x-2', unit: '°C', minThreshold: -10, maxThreshold: 45, enabled: true,
    updatedAtMs: UPDATED.getTime(), openAlertCount: 3,
    latestReading: { sensorId: 'x-2', sensorType: 'temperature', siteId: 'site-b', timestampMs: reading.timestamp, value: 3.25, unit: '°C' },
  });
  const x10 = value!.sensors!.find((sensor) => sensor.sensorId === 'x-10')!;
  assert.equal('minThreshold' in x10, false, 'NULL min_threshold: unset');
  assert.equal(x10.maxThreshold, 45);
  assert.equal(value!.sensors!.find((sensor) => sensor.sensorId === 'X-3')!.enabled, false);
  assert.deepEqual(deps.asked.sort(), ['X-3', 'x-1', 'x-10', 'x-2', 'y-1', 'z-1'], 'the latest reading of every listed sensor');
});

test('ListSensors filters by site_ids and sensor_types (both must match; an empty list does not filter)', { skip: postgresUnreachable }, async () => {
  const ids = async (fields: Partial<ListSensorsRequest__Output>) => {
    const { error, value } = await invoke(dbDeps(), request(fields));
    assert.equal(error, null);
    return value!.sensors!.map((sensor) => sensor.sensorId);
  };
  assert.deepEqual(await ids({ siteIds: ['site-b'] }), ['X-3', 'x-10', 'x-2']);
  assert.deepEqual(await ids({ siteIds: ['site-c', 'site-a'] }), ['x-1', 'y-1', 'z-1']);
  assert.deepEqual(await ids({ sensorTypes: ['co2'] }), ['y-1', 'z-1']);
  assert.deepEqual(await ids({ siteIds: ['site-a', 'site-b'], sensorTypes: ['temperature'] }), ['x-1', 'x-10', 'x-2']);
  assert.deepEqual(await ids({ siteIds: ['nowhere'] }), []);
  assert.deepEqual(await ids({ siteIds: ["site-a' OR true --"] }), [], 'values are parameters, never SQL');
});
