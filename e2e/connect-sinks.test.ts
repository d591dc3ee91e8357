// The two Debezium JDBC sinks (connect-config/*-sink.json) against the real stack: the Postgres
// tables equal the compacted topics key by key, through a tombstone, a SIGKILLed Connect worker,
// an offset reset with a replay from the beginning, and a malformed record (the Connect DLQ).
//
// Every sensor here has this file's prefix and is fed one reading a second by a keep-alive for
// the whole file: a sensor that went quiet would get a SILENCE alert refreshed every 5 s, and
// the alerts topic would never hold still long enough to compare. Alert scripts (out-of-range
// temperatures) replace a few of those readings; afterwards every alert clears and stays put.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import {
  ALERTS_TOPIC,
  AVRO_SCHEMAS,
  CONNECT_SINK_DLQ_TOPIC,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
  type Alert,
  type AlertKey,
  type SensorReading,
  type WindowCount,
  type WindowCountKey,
} from '@iot/contracts';
import { registerSchema } from '@iot/runtime';
import {
  changeConnectorState,
  connectorStatus as stackConnectorStatus,
  hasSettled,
  killComponent,
  resetConnectorOffsets,
  status as stackStatus,
  up,
  waitForConnector as stackWaitForConnector,
  type ConnectorStatus,
} from '@iot/stack';
import { collectFromTopic, deleteGroup, kafka, query, registry, stack, uniquePrefix, waitFor } from './support.ts';

const WINDOW_SINK = 'iot-window-counts-sink';
const ALERTS_SINK = 'iot-alerts-sink';
const WINDOW_TABLE = 'window_counts_1m';
const ALERTS_TABLE = 'alerts';
/** This file's sensors; each test adds its own sub-prefix (`${FILE_PREFIX}t1-` ...). */
const FILE_PREFIX = uniquePrefix('e2e-sinks');
const NORMAL = [20.1, 19.9]; // alternating: a baseline with some spread, far inside −10..45 °C

const log = (line: string) => console.log(`[connect-sinks ${new Date().toISOString().slice(11, 23)}] ${line}`);

// ---------------------------------------------------------------------------------------------
// Reading the compacted topics: latest record per key, and how far the reader has got.

interface Latest<K, V> {
  key: K;
  /** null: a tombstone. */
  value: V | null;
  partition: number;
  offset: string;
}

/**
 * Follows a topic from its beginning (read_committed, a throwaway group) for the whole file and
 * keeps the latest record per key of this file's sensors. Records whose value is not a registry
 * Avro record are skipped, as the sinks skip them (to their DLQ). `sync()` waits until the
 * reader has passed the end the topic had when it was called, transaction markers included.
 */
class TopicFollower<K extends { sensorId: string }, V> {
  readonly latest = new Map<string, Latest<K, V>>();
  /** Records of this file's keys whose value did not decode. */
  undecodable = 0;
  private readonly positions = new Map<number, bigint>();
  private readonly groupId = uniquePrefix('e2e-sinks-follower');
  private readonly consumer: Consumer = kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 250 });
  private readonly admin: Admin = kafka.admin();

  constructor(
    readonly topic: string,
    private readonly idOf: (key: K) => string,
  ) {}

  async start(): Promise<void> {
    await this.admin.connect();
    await this.consumer.connect();
    // Emitted after each batch, also for batches of only transaction markers or aborted records.
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.positions.set(payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message, partition }) => {
        if (message.key === null) return;
        let key: K;
        try {
          key = (await registry.decode(message.key)) as K;
        } catch {
          return; // not ours
        }
        if (typeof key?.sensorId !== 'string' || !key.sensorId.startsWith(FILE_PREFIX)) return;
        let value: V | null = null;
        if (message.value !== null) {
          try {
            value = (await registry.decode(message.value)) as V;
          } catch {
            this.undecodable += 1;
            return;
          }
        }
        this.latest.set(this.idOf(key), { key, value, partition, offset: message.offset });
      },
    });
  }

  async sync(timeoutMs = 60_000): Promise<void> {
    const ends = await this.admin.fetchTopicOffsets(this.topic);
    await waitFor(
      `the reader of ${this.topic} at its end (${ends.map((end) => `${end.partition}:${end.high}`).join(' ')})`,
      async () => (ends.every((end) => BigInt(end.high) <= BigInt(end.low) || (this.positions.get(end.partition) ?? -1n) >= BigInt(end.high)) ? true : undefined),
      timeoutMs,
      50,
    );
  }

  entries(prefix: string): Array<[string, Latest<K, V>]> {
    return [...this.latest].filter(([, record]) => record.key.sensorId.startsWith(prefix));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    await deleteGroup(this.groupId);
  }
}

const windowId = (key: { sensorId: string; windowStart: number }) => `${key.sensorId}@${new Date(key.windowStart).toISOString()}`;
const alertId = (key: { sensorId: string; rule: string }) => `${key.sensorId}@${key.rule}`;

const windows = new TopicFollower<WindowCountKey, WindowCount>(WINDOW_COUNTS_TOPIC, windowId);
const alerts = new TopicFollower<AlertKey, Alert>(ALERTS_TOPIC, alertId);

// ---------------------------------------------------------------------------------------------
// The tables, and the one comparison every test uses.

type Row = Record<string, unknown>;

async function tableRows(table: typeof WINDOW_TABLE | typeof ALERTS_TABLE, prefix: string): Promise<Map<string, Row>> {
  const rows = await query<Row>(`SELECT * FROM ${table} WHERE left(sensor_id, length($1)) = $1`, [prefix]);
  return new Map(
    rows.map((row) => [
      table === WINDOW_TABLE
        ? windowId({ sensorId: row.sensor_id as string, windowStart: (row.window_start as Date).getTime() })
        : alertId({ sensorId: row.sensor_id as string, rule: row.rule as string }),
      row,
    ]),
  );
}

const snakeCase = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A column as the topic's value has it: timestamptz as epoch ms, bigint (a string in pg) as a number. */
function columnValue(value: unknown, like: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' && typeof like === 'number') return Number(value);
  return value;
}

/** Every field of the record against its snake_case column; a column no field explains must be null. */
function rowDifferences(record: object, row: Row): string[] {
  const differences: string[] = [];
  const fields = new Set<string>();
  for (const [field, expected] of Object.entries(record)) {
    const column = snakeCase(field);
    fields.add(column);
    if (!(column in row)) {
      differences.push(`no column ${column}`);
      continue;
    }
    const actual = columnValue(row[column], expected);
    if (actual !== expected && !(Number.isNaN(actual) && Number.isNaN(expected))) {
      differences.push(`${column}: row ${JSON.stringify(actual)}, topic ${JSON.stringify(expected)}`);
    }
  }
  for (const [column, value] of Object.entries(row)) {
    if (!fields.has(column) && value !== null) differences.push(`column ${column} = ${JSON.stringify(value)} is in no record field`);
  }
  return differences;
}

interface Comparison {
  /** Windows whose latest record is final (each has its row). */
  finals: number;
  /** Windows whose latest record is an update (still open: no row). */
  open: number;
  /** Alert keys with a value (each has its row). */
  alertRows: number;
  /** Alert keys whose latest record is a tombstone (no row). */
  tombstones: number;
  differences: string[];
  windowRows: Map<string, Row>;
  alertTableRows: Map<string, Row>;
}

/**
 * Reads both topics to their current end, then both tables, for sensors starting with `prefix`:
 * - window_counts_1m: a key whose latest record is final has exactly that row; a key whose
 *   latest record is an update (window still open) or a tombstone has none;
 * - alerts: a key's latest value is its row; a key whose latest record is a tombstone has none;
 * - no row of either table has a key the topic lacks.
 */
async function compareTablesWithTopics(prefix: string): Promise<Comparison> {
  await Promise.all([windows.sync(), alerts.sync()]);
  const [windowRows, alertTableRows] = await Promise.all([tableRows(WINDOW_TABLE, prefix), tableRows(ALERTS_TABLE, prefix)]);
  const differences: string[] = [];
  const result = { finals: 0, open: 0, alertRows: 0, tombstones: 0 };
  const unmatchedWindows = new Set(windowRows.keys());
  for (const [id, record] of windows.entries(prefix)) {
    const row = windowRows.get(id);
    unmatchedWindows.delete(id);
    const where = `window ${id} (partition ${record.partition} offset ${record.offset})`;
    if (record.value === null || !record.value.final) {
      if (record.value === null) result.tombstones += 1;
      else result.open += 1;
      if (row) differences.push(`${where}: latest record is ${record.value ? 'an update' : 'a tombstone'}, yet there is a row (final=${String(row.final)})`);
      continue;
    }
    result.finals += 1;
    if (!row) differences.push(`${where}: final, no row`);
    else differences.push(...rowDifferences(record.value, row).map((difference) => `${where}: ${difference}`));
  }
  for (const id of unmatchedWindows) differences.push(`window row ${id}: no such key on ${WINDOW_COUNTS_TOPIC}`);

  const unmatchedAlerts = new Set(alertTableRows.keys());
  for (const [id, record] of alerts.entries(prefix)) {
    const row = alertTableRows.get(id);
    unmatchedAlerts.delete(id);
    const where = `alert ${id} (partition ${record.partition} offset ${record.offset})`;
    if (record.value === null) {
      result.tombstones += 1;
      if (row) differences.push(`${where}: tombstone, yet there is a row`);
      continue;
    }
    result.alertRows += 1;
    if (!row) differences.push(`${where}: ${record.value.state}, no row`);
    else differences.push(...rowDifferences(record.value, row).map((difference) => `${where}: ${difference}`));
  }
  for (const id of unmatchedAlerts) differences.push(`alert row ${id}: no such key on ${ALERTS_TOPIC}`);
  return { ...result, differences, windowRows, alertTableRows };
}

/**
 * Waits until `ready` (about the topics, undefined when satisfied) holds and the tables equal
 * the topics for `prefix` (see compareTablesWithTopics); the error says what still differed.
 */
async function assertTablesEqualTopics(what: string, prefix: string, options: { timeoutMs: number; ready?: () => string | undefined }): Promise<Comparison> {
  const started = Date.now();
  let attempts = 0;
  const comparison = await waitFor(
    `${what}: tables equal to topics for ${prefix}*`,
    async () => {
      attempts += 1;
      const result = await compareTablesWithTopics(prefix);
      const waitingFor = options.ready?.();
      if (waitingFor) throw new Error(`topics not there yet: ${waitingFor}`);
      if (result.differences.length > 0) {
        throw new Error(`${result.differences.length} differences:\n  ${result.differences.slice(0, 12).join('\n  ')}`);
      }
      return result;
    },
    options.timeoutMs,
    1000,
  );
  log(
    `${what}: tables equal topics for ${prefix}* after ${Date.now() - started} ms (${attempts} comparisons): ` +
      `${comparison.finals} final windows (+${comparison.open} open, no row), ${comparison.alertRows} alert rows, ${comparison.tombstones} tombstoned keys`,
  );
  return comparison;
}

// Readiness conditions on what the processor has written (not on the sinks).
function missingFinals(sensors: string[], minimum = 1): string | undefined {
  const lacking = sensors.filter((sensor) => windows.entries(sensor).filter(([id, r]) => id.startsWith(`${sensor}@`) && r.value?.final).length < minimum);
  return lacking.length > 0 ? `no final window yet for ${lacking.join(', ')}` : undefined;
}

function alertsNotSettled(prefix: string, rangeAlertFor: string[]): string | undefined {
  const lacking = rangeAlertFor.filter((sensor) => !alerts.latest.has(alertId({ sensorId: sensor, rule: 'RANGE' })));
  if (lacking.length > 0) return `no RANGE alert yet for ${lacking.join(', ')}`;
  const active = alerts.entries(prefix).filter(([, r]) => r.value !== null && r.value.state !== 'CLEARED');
  return active.length > 0 ? `alerts still active: ${active.map(([id, r]) => `${id}=${r.value!.state}`).join(', ')}` : undefined;
}

const firstProblem = (...problems: Array<string | undefined>) => problems.find((problem) => problem !== undefined);

// ---------------------------------------------------------------------------------------------
// Connect's REST API, through the stack tool's client (what `npm run connect` uses).

const describeStatus = (s: ConnectorStatus) =>
  `connector ${s.connector.state}; tasks ${s.tasks.map((task) => `${task.id}=${task.state}${task.trace ? ` (${task.trace.split('\n')[0]})` : ''}`).join(', ') || 'none'}`;

const connectorStatus = (name: string) => stackConnectorStatus(stack, name);

/** Waits until the connector and every task are in `state` (STOPPED: no tasks left). */
async function waitForConnector(name: string, state: 'RUNNING' | 'STOPPED', timeoutMs: number): Promise<ConnectorStatus> {
  const reached = (status: ConnectorStatus) => hasSettled(status, state) && status.tasks.every((task) => task.state === state);
  const { status, settled } = await stackWaitForConnector(stack, name, reached, timeoutMs);
  assert.ok(settled, `${name} did not reach ${state} within ${timeoutMs} ms: ${describeStatus(status)}`);
  return status;
}

async function describeGroups(groupIds: string[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.describeGroups(groupIds)).groups;
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Readings: a keep-alive for every sensor of the file, with scripted values in between.

class Feeder {
  private readonly queues = new Map<string, number[]>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private tick = 0;
  sent = 0;
  failures = 0;
  lastError: unknown;

  constructor(
    private readonly producer: Producer,
    private readonly keyId: number,
    private readonly valueId: number,
  ) {}

  /** Sensors that get one reading a second from now on (normal temperatures unless scripted). */
  add(sensorIds: string[]): void {
    for (const sensorId of sensorIds) if (!this.queues.has(sensorId)) this.queues.set(sensorId, []);
  }

  /** The sensor's next readings, one a second, instead of normal ones. */
  script(sensorId: string, values: number[]): void {
    this.queues.get(sensorId)!.push(...values);
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const started = Date.now();
        try {
          await this.send();
        } catch (error) {
          this.failures += 1;
          this.lastError = error;
        }
        await sleep(Math.max(0, 1000 - (Date.now() - started)));
      }
    })();
  }

  private async send(): Promise<void> {
    const timestamp = Date.now();
    const normal = NORMAL[this.tick++ % NORMAL.length]!;
    const messages = await Promise.all(
      [...this.queues].map(async ([sensorId, queue]) => {
        const reading: SensorReading = { sensorId, sensorType: 'temperature', siteId: `${FILE_PREFIX}site`, timestamp, value: queue.shift() ?? normal, unit: '°C' };
        return { key: await registry.encode(this.keyId, sensorId), value: await registry.encode(this.valueId, reading) };
      }),
    );
    if (messages.length === 0) return;
    await this.producer.send({ topic: SENSOR_READINGS_TOPIC, acks: -1, messages });
    this.sent += messages.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

let producer: Producer;
let feeder: Feeder;
let alertKeyId: number;
let alertValueId: number;

before(async () => {
  const keyId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(stack.registryCcompatUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
  alertKeyId = await registerSchema(stack.registryCcompatUrl, ALERTS_TOPIC, 'key', AVRO_SCHEMAS.alertKey);
  alertValueId = await registerSchema(stack.registryCcompatUrl, ALERTS_TOPIC, 'value', AVRO_SCHEMAS.alert);
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  feeder = new Feeder(producer, keyId, valueId);
  feeder.start();
  await Promise.all([windows.start(), alerts.start()]);
  log(`sensors of this run: ${FILE_PREFIX}*`);
});

after(async () => {
  await feeder?.stop();
  log(`keep-alive sent ${feeder?.sent} readings (${feeder?.failures} failed sends${feeder?.failures ? `, last: ${String(feeder.lastError)}` : ''})`);
  await Promise.all([windows.stop(), alerts.stop()]);
  await producer?.disconnect();
});

function assertFeederHealthy(): void {
  assert.equal(feeder.failures, 0, `every keep-alive send succeeded (last error: ${String(feeder.lastError)})`);
}

// ---------------------------------------------------------------------------------------------

test('window_counts_1m and alerts equal the compacted topics key by key: finals with every column, alert rows with their latest state', { timeout: 180_000 }, async (t) => {
  const prefix = `${FILE_PREFIX}t1-`;
  const sensors = [0, 1, 2, 3].map((i) => `${prefix}temp-${i}`);
  const [high, low, warm, calm] = sensors as [string, string, string, string];
  feeder.add(sensors);
  feeder.script(high, [50, 50, 50, 50]); // above 45 °C: RANGE opens on the third, clears after three normal readings
  feeder.script(low, [-20, -20, -20, -20]); // below −10 °C
  feeder.script(warm, [47, 47, 47]);

  const comparison = await assertTablesEqualTopics('after a run', prefix, {
    timeoutMs: 150_000,
    ready: () => firstProblem(missingFinals(sensors), alertsNotSettled(prefix, [high, low, warm])),
  });
  assertFeederHealthy();
  assert.ok(comparison.finals >= sensors.length, `at least one final window per sensor (${comparison.finals})`);
  assert.ok(comparison.alertRows >= 3, `RANGE (and rate) alerts (${comparison.alertRows} rows)`);
  for (const sensor of sensors) assert.ok([...comparison.windowRows.keys()].some((id) => id.startsWith(`${sensor}@`)), `${sensor}: a final row`);
  // What the rows say, beyond being equal to the topic.
  const range = (sensor: string) => comparison.alertTableRows.get(alertId({ sensorId: sensor, rule: 'RANGE' }));
  assert.deepEqual([range(high)?.trigger_value, range(high)?.threshold, range(high)?.state], [50, 45, 'CLEARED']);
  assert.deepEqual([range(low)?.trigger_value, range(low)?.threshold, range(low)?.state], [-20, -10, 'CLEARED']);
  assert.deepEqual([range(warm)?.trigger_value, range(warm)?.threshold, range(warm)?.state], [47, 45, 'CLEARED']);
  assert.equal(range(calm), undefined, 'a sensor that stayed in range has no RANGE alert');
  for (const row of comparison.windowRows.values()) {
    assert.equal(row.final, true, 'only finals in window_counts_1m');
    assert.equal((row.window_end as Date).getTime() - (row.window_start as Date).getTime(), 60_000);
  }
  t.diagnostic(`${comparison.finals} final windows and ${comparison.alertRows} alert rows of ${prefix}* equal their topics`);
});

test('an alert tombstone deletes its row, and only that row', { timeout: 120_000 }, async (t) => {
  const prefix = `${FILE_PREFIX}t2-`;
  const sensor = `${prefix}temp`;
  feeder.add([sensor]);
  feeder.script(sensor, [50, 50, 50, 50]); // RANGE and RATE_OF_CHANGE open, then clear
  const key: AlertKey = { sensorId: sensor, rule: 'RANGE' };
  await assertTablesEqualTopics('before the tombstone', prefix, { timeoutMs: 60_000, ready: () => alertsNotSettled(prefix, [sensor]) });
  const rulesBefore = (await query<{ rule: string }>('SELECT rule FROM alerts WHERE sensor_id = $1 ORDER BY rule', [sensor])).map((row) => row.rule);
  assert.ok(rulesBefore.includes('RANGE') && rulesBefore.includes('RATE_OF_CHANGE'), `rows before: ${rulesBefore.join(', ')}`);

  const sentAt = Date.now();
  const [sent] = await producer.send({ topic: ALERTS_TOPIC, acks: -1, messages: [{ key: await registry.encode(alertKeyId, key), value: null }] });
  const rulesAfter = await waitFor(
    'the RANGE row deleted by its tombstone',
    async () => {
      const rules = (await query<{ rule: string }>('SELECT rule FROM alerts WHERE sensor_id = $1 ORDER BY rule', [sensor])).map((row) => row.rule);
      return rules.includes('RANGE') ? undefined : rules;
    },
    30_000,
    200,
  );
  const deletedMs = Date.now() - sentAt;
  assert.deepEqual(rulesAfter, rulesBefore.filter((rule) => rule !== 'RANGE'), 'the other rules keep their rows');

  const comparison = await assertTablesEqualTopics('after the tombstone', prefix, {
    timeoutMs: 30_000,
    ready: () => (alerts.latest.get(alertId(key))?.value === null ? undefined : 'the tombstone not read yet'),
  });
  assert.equal(alerts.latest.get(alertId(key))?.offset, sent!.baseOffset, 'the tombstone is the key’s latest record');
  assert.ok(comparison.tombstones >= 1);
  assertFeederHealthy();
  t.diagnostic(`tombstone at partition ${sent!.partition} offset ${sent!.baseOffset}: row deleted within ${deletedMs} ms`);
});

test('after a SIGKILL of the Connect worker mid-run and a restart, the tables equal the topics again', { timeout: 300_000 }, async (t) => {
  const prefix = `${FILE_PREFIX}t3-`;
  const sensors = [0, 1, 2].map((i) => `${prefix}temp-${i}`);
  feeder.add(sensors);

  // Kill a few seconds into a minute the sensors were already sending in: the previous minute's
  // finals (emitted ~10 s into the minute, after the grace) and the alerts' clearing then happen
  // while Connect is down, and must be sunk after the restart.
  const boundary = Math.ceil((Date.now() + 3000) / 60_000) * 60_000;
  await sleep(boundary - Date.now() + 500);
  for (const sensor of sensors) feeder.script(sensor, [50, 50, 50, 50, 50, 50]); // RANGE opens on the 3rd, clears ~3 s after the 6th
  await waitFor(
    'an open RANGE alert of this test sunk (Connect is sinking our records)',
    async () => {
      const rows = await query<{ state: string }>(`SELECT state FROM alerts WHERE left(sensor_id, length($1)) = $1 AND rule = 'RANGE' AND state = 'OPEN'`, [prefix]);
      return rows.length > 0 ? rows : undefined;
    },
    30_000,
    100,
  );
  const pidBefore = stackStatus(stack).find((component) => component.name === 'connect')?.pid;
  const sinkGroups = [WINDOW_SINK, ALERTS_SINK].map((sink) => `connect-${sink}`);
  const membersBefore = new Set((await describeGroups(sinkGroups)).flatMap((group) => group.members.map((member) => member.memberId)));
  const killedAt = Date.now();
  assert.ok(await killComponent(stack, 'connect'), 'Connect was running and got killed');
  log(`SIGKILLed Connect (pid ${pidBefore}) ${killedAt - boundary} ms into the minute`);

  // While it is down: the previous minute's finals and the cleared alerts reach the topics only.
  const previousMinute = boundary - 60_000;
  await waitFor(
    'the previous minute’s finals and the cleared alerts on the topics',
    async () => {
      await Promise.all([windows.sync(), alerts.sync()]);
      const finals = sensors.filter((sensor) => windows.latest.get(windowId({ sensorId: sensor, windowStart: previousMinute }))?.value?.final);
      return finals.length === sensors.length && !alertsNotSettled(prefix, sensors) ? true : undefined;
    },
    60_000,
    250,
  );
  const pending = await compareTablesWithTopics(prefix);
  // The RANGE alerts cleared ~5 s after their OPEN row was sunk, i.e. after the kill.
  assert.ok(pending.differences.some((d) => d.startsWith('alert') && d.includes('state: row "OPEN", topic "CLEARED"')), `cleared alerts waiting for the sink: ${pending.differences.join('; ')}`);
  const pendingFinals = pending.differences.filter((d) => d.includes('final, no row')).length;
  log(`${pending.differences.length} differences pending while Connect is down (${pendingFinals} finals without a row), e.g. ${pending.differences[0]}`);

  const restartedAt = Date.now();
  const upLines: string[] = [];
  await up(stack, (line) => upLines.push(line));
  const upMs = Date.now() - restartedAt;
  const pidAfter = stackStatus(stack).find((component) => component.name === 'connect')?.pid;
  assert.ok(pidAfter !== undefined && pidAfter !== pidBefore, `a new Connect worker runs (pid ${pidBefore} → ${pidAfter})`);
  log(`stack up (${upMs} ms): ${upLines.join(' | ')}`);
  await Promise.all([waitForConnector(WINDOW_SINK, 'RUNNING', 120_000), waitForConnector(ALERTS_SINK, 'RUNNING', 120_000)]);
  const runningMs = Date.now() - restartedAt;
  // RUNNING is not consuming: the killed worker's sink consumers stay group members until their
  // session times out, and only then do the new ones get the partitions.
  await waitFor(
    'the new sink consumers owning their partitions',
    async () => {
      const groups = await describeGroups(sinkGroups);
      const ready = groups.every((group) => group.state === 'Stable' && group.members.length === 1 && !membersBefore.has(group.members[0]!.memberId));
      if (!ready) throw new Error(groups.map((group) => `${group.groupId} ${group.state} (${group.members.length} members)`).join(', '));
      return true;
    },
    120_000,
    250,
  );
  const consumingMs = Date.now() - restartedAt;

  // The whole file's sensors were fed during the outage too: all of them must match.
  const comparison = await assertTablesEqualTopics('after the Connect restart', FILE_PREFIX, {
    timeoutMs: 120_000,
    ready: () => firstProblem(missingFinals(sensors), alertsNotSettled(prefix, sensors)),
  });
  const caughtUpMs = Date.now() - restartedAt;
  assertFeederHealthy();
  for (const sensor of sensors) {
    assert.ok(comparison.windowRows.has(windowId({ sensorId: sensor, windowStart: previousMinute })), `${sensor}: the final emitted during the outage has its row`);
    assert.equal(comparison.alertTableRows.get(alertId({ sensorId: sensor, rule: 'RANGE' }))?.state, 'CLEARED', `${sensor}: the clearing during the outage is sunk`);
  }
  const timing =
    `Connect down ${restartedAt - killedAt} ms (killed ${killedAt - boundary} ms into the minute); after the restart began: ` +
    `REST up and connectors applied in ${upMs} ms, both sink tasks RUNNING in ${runningMs} ms, their consumers assigned in ${consumingMs} ms ` +
    `(${restartedAt + consumingMs - killedAt} ms after the kill), tables equal topics in ${caughtUpMs} ms (${restartedAt + caughtUpMs - killedAt} ms after the kill)`;
  log(timing);
  t.diagnostic(timing);
});

test('resetting both sinks’ offsets and replaying from the beginning rebuilds the rows identically', { timeout: 300_000 }, async (t) => {
  const prefix = `${FILE_PREFIX}t4-`;
  const sensors = [0, 1].map((i) => `${prefix}temp-${i}`);
  feeder.add(sensors);
  feeder.script(sensors[0]!, [-15, -15, -15, -15]);
  await assertTablesEqualTopics('before the reset', FILE_PREFIX, {
    timeoutMs: 150_000,
    ready: () => firstProblem(missingFinals(sensors), alertsNotSettled(FILE_PREFIX, [sensors[0]!])),
  });
  const snapshot = { windows: await tableRows(WINDOW_TABLE, FILE_PREFIX), alerts: await tableRows(ALERTS_TABLE, FILE_PREFIX) };
  const snapshotAt = Date.now();
  assert.ok(snapshot.windows.size >= sensors.length && snapshot.alerts.size >= 1, `rows to rebuild: ${snapshot.windows.size} windows, ${snapshot.alerts.size} alerts`);
  log(`snapshot of ${FILE_PREFIX}*: ${snapshot.windows.size} window rows, ${snapshot.alerts.size} alert rows`);

  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const [sink, topic, table] of [[WINDOW_SINK, WINDOW_COUNTS_TOPIC, WINDOW_TABLE], [ALERTS_SINK, ALERTS_TOPIC, ALERTS_TABLE]] as const) {
      await changeConnectorState(stack, sink, 'stop');
      await waitForConnector(sink, 'STOPPED', 60_000);
      const resetMessage = await resetConnectorOffsets(stack, sink);
      const committed = await admin.fetchOffsets({ groupId: `connect-${sink}`, topics: [topic] });
      assert.ok(committed.every((entry) => entry.partitions.every((partition) => partition.offset === '-1')), `no committed offsets left: ${JSON.stringify(committed)}`);
      // Our rows go, to prove the replay writes them again.
      const deleted = await query(`DELETE FROM ${table} WHERE left(sensor_id, length($1)) = $1 RETURNING sensor_id`, [FILE_PREFIX]);
      assert.equal((await tableRows(table, FILE_PREFIX)).size, 0);
      await changeConnectorState(stack, sink, 'resume');
      await waitForConnector(sink, 'RUNNING', 60_000);
      log(`${sink}: stopped, offsets reset (${resetMessage}), ${deleted.length} rows of ours deleted, resumed`);
    }
  } finally {
    await admin.disconnect();
  }
  const resumedAt = Date.now();

  // The alerts have settled: exactly the snapshot again. Windows: every snapshot row exactly,
  // plus only windows that closed after the snapshot (the keep-alive goes on).
  const rebuilt = await waitFor(
    'the rows rebuilt as in the snapshot',
    async () => {
      const now = { windows: await tableRows(WINDOW_TABLE, FILE_PREFIX), alerts: await tableRows(ALERTS_TABLE, FILE_PREFIX) };
      assert.deepEqual(now.alerts, snapshot.alerts);
      for (const [id, row] of snapshot.windows) assert.deepEqual(now.windows.get(id), row, `window ${id}`);
      return now;
    },
    150_000,
    500,
  );
  const rebuiltMs = Date.now() - resumedAt;
  const newest = new Map<string, number>();
  for (const row of snapshot.windows.values()) newest.set(row.sensor_id as string, Math.max(newest.get(row.sensor_id as string) ?? 0, (row.window_start as Date).getTime()));
  for (const [id, row] of rebuilt.windows) {
    if (snapshot.windows.has(id)) continue;
    assert.ok((row.window_start as Date).getTime() > (newest.get(row.sensor_id as string) ?? 0), `${id}: a row not in the snapshot is a later window`);
    assert.ok((row.window_end as Date).getTime() + 10_000 > snapshotAt - 5_000, `${id}: closed after the snapshot`);
  }
  await assertTablesEqualTopics('after the replay', FILE_PREFIX, { timeoutMs: 60_000 });
  assertFeederHealthy();
  const summary = `${snapshot.windows.size} window rows and ${snapshot.alerts.size} alert rows rebuilt identically ${rebuiltMs} ms after the resume (${rebuilt.windows.size - snapshot.windows.size} newer windows too)`;
  log(summary);
  t.diagnostic(summary);
});

test('a malformed record on iot.alerts goes to the Connect DLQ with its context, the task keeps running, and a good record after it is sunk', { timeout: 120_000 }, async (t) => {
  const prefix = `${FILE_PREFIX}t5-`;
  const sensorId = `${prefix}external`;
  const key: AlertKey = { sensorId, rule: 'RANGE' };
  const marker = `${prefix}not-avro`;
  const encodedKey = await registry.encode(alertKeyId, key);
  const badValue = Buffer.from(JSON.stringify({ sensorId, rule: 'RANGE', state: 'OPEN' })); // 0x7b: not a registry frame
  const [bad] = await producer.send({ topic: ALERTS_TOPIC, acks: -1, messages: [{ key: encodedKey, value: badValue, headers: { 'e2e.case': marker } }] });

  const dead = await collectFromTopic<Buffer, Buffer>(CONNECT_SINK_DLQ_TOPIC, {
    raw: true,
    select: () => true,
    done: (found) => found.some((record) => record.headers['e2e.case'] === marker),
    timeoutMs: 60_000,
  });
  const mine = dead.filter((record) => record.headers['e2e.case'] === marker);
  const record = mine[0]!;
  const headers = record.headers;
  log(`DLQ record (${mine.length} for our marker) at offset ${record.offset}, headers:\n${Object.entries(headers).map(([name, value]) => `    ${name} = ${name.endsWith('stacktrace') ? `${value.split('\n')[0]} …` : value}`).join('\n')}`);
  assert.deepEqual(record.value, badValue, 'the original value bytes');
  assert.deepEqual(record.key, encodedKey, 'the original key bytes');
  assert.equal(headers['__connect.errors.topic'], ALERTS_TOPIC);
  assert.equal(headers['__connect.errors.partition'], String(bad!.partition));
  assert.equal(headers['__connect.errors.offset'], bad!.baseOffset);
  assert.equal(headers['__connect.errors.connector.name'], ALERTS_SINK);
  assert.equal(headers['__connect.errors.task.id'], '0');
  assert.equal(headers['__connect.errors.stage'], 'VALUE_CONVERTER');
  assert.equal(headers['__connect.errors.class.name'], 'io.apicurio.registry.utils.converter.AvroConverter');
  assert.match(headers['__connect.errors.exception.class.name'] ?? '', /^[a-z]+(\.[a-zA-Z_$][\w$]*)+$/, 'a Java exception class');
  assert.ok((headers['__connect.errors.exception.message'] ?? '').length > 0, 'an exception message');
  assert.match(headers['__connect.errors.exception.stacktrace'] ?? '', /\bat /, 'a stack trace');

  const afterBad = await connectorStatus(ALERTS_SINK);
  assert.equal(afterBad.connector.state, 'RUNNING', describeStatus(afterBad));
  assert.deepEqual(afterBad.tasks.map((task) => task.state), ['RUNNING'], describeStatus(afterBad));
  assert.equal((await tableRows(ALERTS_TABLE, prefix)).size, 0, 'the malformed record wrote no row');

  // A good record for the same key: same partition, after the bad one.
  const now = Date.now();
  const good: Alert = {
    alertId: `${sensorId}/RANGE/${now}`, sensorId, sensorType: 'temperature', siteId: `${FILE_PREFIX}site`, rule: 'RANGE', severity: 'WARNING', state: 'OPEN',
    triggerValue: 46.5, peakValue: 47.25, threshold: 45, openedAt: now - 2000, lastSeenAt: now, clearedAt: null, acknowledgedAt: null, acknowledgedBy: null,
    message: 'written by e2e/connect-sinks.test.ts after a malformed record',
  };
  const [goodSent] = await producer.send({ topic: ALERTS_TOPIC, acks: -1, messages: [{ key: encodedKey, value: await registry.encode(alertValueId, good) }] });
  assert.equal(goodSent!.partition, bad!.partition);
  const comparison = await assertTablesEqualTopics('after the malformed record', prefix, {
    timeoutMs: 60_000,
    ready: () => (alerts.latest.get(alertId(key))?.value?.alertId === good.alertId ? undefined : 'the good record not read yet'),
  });
  assert.equal(comparison.alertTableRows.get(alertId(key))?.alert_id, good.alertId, 'the good record is the row');
  assert.ok(alerts.undecodable >= 1, 'our reader skipped the malformed record too');
  const stillRunning = await connectorStatus(ALERTS_SINK);
  assert.deepEqual([stillRunning.connector.state, ...stillRunning.tasks.map((task) => task.state)], ['RUNNING', 'RUNNING'], describeStatus(stillRunning));
  t.diagnostic(`DLQ: ${headers['__connect.errors.stage']} ${headers['__connect.errors.exception.class.name']}: ${headers['__connect.errors.exception.message']}`);
});
