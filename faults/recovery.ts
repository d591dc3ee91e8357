// What the fault-injection tests share: offsets and lag, the continuous producer, the alert and
// dead-letter checks and the recovery table. Helpers for the integration tests in general live in
// e2e/support.ts, imported from there.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALERTS_TOPIC, SENSOR_READINGS_DLQ_TOPIC, SENSOR_READINGS_TOPIC, type Alert, type AlertKey } from '@iot/contracts';
import { collectFromTopic, kafka, produceReadings, query, REPO_ROOT, waitFor, type SimulatorTally, type TopicRecord } from '@iot/e2e/support';

/** The stream processor's consumer group, and each sink's (Connect names it connect-<connector>). */
export const PROCESSOR_GROUP = 'iot-stream-processor';
export const sinkGroup = (connector: string) => `connect-${connector}`;

// ---------------------------------------------------------------------------------------------
// Offsets

export type Offsets = Map<number, number>;

/** Each partition's end offset (high watermark) now. */
export async function endOffsets(topic: string): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]));
  } finally {
    await admin.disconnect();
  }
}

/** A group's committed offsets on a topic (-1: nothing committed). */
export async function committedOffsets(groupId: string, topic: string): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until `groupId` has committed, on every partition of `topic`, at least `target` (offsets
 * taken earlier): everything written before then is processed. Answers with the time it held.
 */
export async function waitCaughtUp(what: string, groupId: string, topic: string, target: Offsets, timeoutMs: number): Promise<number> {
  await waitFor(
    `${what} (group ${groupId} on ${topic} at ${[...target].map(([p, o]) => `${p}:${o}`).join(' ')})`,
    async () => {
      const committed = await committedOffsets(groupId, topic);
      return [...target].every(([partition, offset]) => offset === 0 || (committed.get(partition) ?? -1) >= offset) ? true : undefined;
    },
    timeoutMs,
    250,
  );
  return Date.now();
}

/**
 * What a Connect sink commits once it has written everything before `ends` of a transactional
 * topic: per partition, the offset after the last record a read_committed reader gets there. A
 * sink commits the last record's offset + 1, short of the transaction markers and of any aborted
 * records that end a partition (a broker restart or a processor kill aborts transactions).
 */
export async function sinkTarget(topic: string, ends: Offsets): Promise<Offsets> {
  const records = await collectFromTopic<Buffer, Buffer>(topic, { raw: true, select: () => true, done: () => true, untilEnd: true, timeoutMs: 90_000 });
  const target: Offsets = new Map([...ends.keys()].map((partition) => [partition, 0]));
  for (const record of records) {
    const offset = Number(record.offset);
    if (offset < (ends.get(record.partition) ?? 0)) target.set(record.partition, Math.max(target.get(record.partition) ?? 0, offset + 1));
  }
  return target;
}

// ---------------------------------------------------------------------------------------------
// The continuous producer

/** The scenario every fault test runs: spikes and a step every 40 s, so alerts open and clear throughout. */
export const ALERTING_SCENARIO = join(REPO_ROOT, 'faults', 'alerting.yaml');

/**
 * Starts the simulator CLI for `prefix` with a ground-truth tally, running until `stop()` (an
 * upper bound of 15 minutes); `stop()` answers with the tally once the CLI has written it. A run
 * that fails on its own is reported by `stop()`, not lost.
 */
export function startProducing(prefix: string, options: { rate: number; outOfOrderRatio?: number; lateRatio?: number; malformedRatio?: number }) {
  const controller = new AbortController();
  const tallyFile = join(mkdtempSync(join(tmpdir(), 'faults-tally-')), 'tally.json');
  const running = produceReadings({ prefix, durationS: 900, tallyFile, scenario: ALERTING_SCENARIO, stop: controller.signal, ...options });
  let failure: unknown;
  running.catch((error: unknown) => (failure = error));
  return {
    startedAt: Date.now(),
    /** Whether the CLI has already failed (it should run until stopped). */
    failed: () => failure,
    stop: async (): Promise<SimulatorTally> => {
      controller.abort();
      return running;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Alerts

const STATE_RANK: Record<Alert['state'], number> = { OPEN: 0, ACKNOWLEDGED: 1, CLEARED: 2 };

/**
 * Fails when an alert is duplicated on iot.alerts. For each occurrence (alertId): its first
 * record is its one OPEN transition; its state never goes back (OPEN → ACKNOWLEDGED → CLEARED)
 * and it is CLEARED at most once; last-seen never goes back; and no record repeats an earlier
 * one of it (a re-emission after a crash would). Per {sensorId, rule}, a new occurrence opens
 * only after the previous one cleared. Answers with the number of occurrences and records.
 */
export function assertNoDuplicatedAlerts(records: Array<TopicRecord<AlertKey, Alert>>, where: string): { occurrences: number; records: number } {
  const byKey = new Map<string, Alert[]>();
  for (const record of records) {
    if (record.value === null) continue; // an expired alert's tombstone
    const key = `${record.key.sensorId}/${record.key.rule}`;
    byKey.set(key, [...(byKey.get(key) ?? []), record.value]);
  }
  let occurrences = 0;
  for (const [key, alerts] of byKey) {
    const seen = new Map<string, Alert[]>();
    let active: Alert | undefined;
    for (const alert of alerts) {
      const earlier = seen.get(alert.alertId);
      if (!earlier) {
        occurrences += 1;
        assert.equal(alert.state, 'OPEN', `${where}: ${alert.alertId}: its first record opens it`);
        assert.ok(active === undefined || active.state === 'CLEARED', `${where}: ${key}: ${alert.alertId} opened while ${active?.alertId} was still ${active?.state}`);
        seen.set(alert.alertId, [alert]);
      } else {
        const previous = earlier.at(-1)!;
        assert.ok(STATE_RANK[alert.state] >= STATE_RANK[previous.state], `${where}: ${alert.alertId}: ${previous.state} → ${alert.state} goes back`);
        assert.ok(!(previous.state === 'CLEARED' && alert.state === 'CLEARED'), `${where}: ${alert.alertId}: CLEARED twice`);
        assert.ok(alert.lastSeenAt >= previous.lastSeenAt, `${where}: ${alert.alertId}: last seen goes back`);
        assert.ok(!earlier.some((other) => JSON.stringify(other) === JSON.stringify(alert)), `${where}: ${alert.alertId}: a record repeated (${alert.state}, last seen ${alert.lastSeenAt})`);
        earlier.push(alert);
      }
      active = alert;
    }
  }
  return { occurrences, records: records.length };
}

/**
 * Checks `prefix`'s alerts: none duplicated on iot.alerts, and the alerts table (the sink) holds
 * each {sensorId, rule}'s latest alert. Open alerts keep changing (a SILENCE alert of a sensor
 * that stopped is refreshed every few seconds), so the comparison is against a moment: the
 * topic's end offsets `target`, which the sink has committed: each row is the key's latest
 * record before `target` or a later one.
 */
export async function assertAlertsExactlyOnce(prefix: string, where: string): Promise<{ occurrences: number; records: number }> {
  const records = await waitFor(
    `the alerts table holding the latest of ${prefix}*'s alerts on ${ALERTS_TOPIC}`,
    async () => {
      const target = await endOffsets(ALERTS_TOPIC);
      await waitCaughtUp('the alerts sink caught up', sinkGroup('iot-alerts-sink'), ALERTS_TOPIC, await sinkTarget(ALERTS_TOPIC, target), 120_000);
      const found = await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
        select: (key) => key.sensorId.startsWith(prefix),
        done: () => true,
        untilEnd: true,
        timeoutMs: 90_000,
      });
      const byKey = new Map<string, Array<TopicRecord<AlertKey, Alert>>>();
      for (const record of found) {
        const key = `${record.key.sensorId}/${record.key.rule}`;
        byKey.set(key, [...(byKey.get(key) ?? []), record]);
      }
      const rows = await query<{ sensor_id: string; rule: string; alert_id: string; state: string; last_seen_at: Date }>(
        'SELECT sensor_id, rule, alert_id, state, last_seen_at FROM alerts WHERE sensor_id LIKE $1',
        [`${prefix}%`],
      );
      const inTable = new Map(rows.map((row) => [`${row.sensor_id}/${row.rule}`, row]));
      const problems: string[] = [];
      for (const row of rows) if (!byKey.has(`${row.sensor_id}/${row.rule}`)) problems.push(`row ${row.sensor_id}/${row.rule} not on the topic yet`);
      for (const [key, list] of byKey) {
        const beforeTarget = list.filter((record) => Number(record.offset) < (target.get(record.partition) ?? 0));
        const committed = beforeTarget.at(-1);
        const row = inTable.get(key);
        if (!committed) continue; // written after the moment compared
        if (committed.value === null) {
          if (row && !list.slice(list.indexOf(committed) + 1).some((record) => record.value?.alertId === row.alert_id)) problems.push(`${key}: a row after its tombstone`);
          continue;
        }
        if (!row) {
          problems.push(`${key}: no row`);
          continue;
        }
        const candidates = list.slice(list.indexOf(committed)).map((record) => record.value).filter((alert) => alert !== null);
        const matches = candidates.some((alert) => alert.alertId === row.alert_id && alert.state === row.state && alert.lastSeenAt === row.last_seen_at.getTime());
        const ahead = row.alert_id === list.at(-1)!.value?.alertId && row.last_seen_at.getTime() > (list.at(-1)!.value?.lastSeenAt ?? Infinity);
        if (!matches && !ahead) problems.push(`${key}: row ${row.alert_id} ${row.state} last seen ${row.last_seen_at.toISOString()} is none of the topic's records from ${committed.value.state} last seen ${new Date(committed.value.lastSeenAt).toISOString()} on`);
      }
      // Thrown, so that a timeout says what differed.
      if (problems.length > 0) throw new Error(`${found.length} records, ${rows.length} rows: ${problems.slice(0, 3).join('; ')}`);
      return found;
    },
    150_000,
    2000,
  );
  return assertNoDuplicatedAlerts(records, where);
}

// ---------------------------------------------------------------------------------------------
// Dead letters

/**
 * The reason the processor gives for each kind of malformed record the simulator sends
 * (producers/src/transport-faults.ts): every fault test's producer sends all of them.
 */
const SIMULATED_MALFORMED_REASONS: Record<string, RegExp> = {
  'bad-magic-byte': /starts with byte 0x7b, not the schema registry magic byte/,
  undecodable: /value does not decode/,
  'invalid-value': /value is not a finite number \(NaN\)/,
};

/**
 * Fails unless each malformed record the simulator sent for `prefix` and Kafka acknowledged (the
 * tally counts no other) is on the DLQ exactly once: dead-lettered as the kind it was sent as
 * (its `sim.malformed` header), with that kind's reason, its source on the readings topic, no
 * source record twice, and the DLQ's count per kind equal to the tally's. The DLQ is read only
 * once the processor has committed the readings topic's end, so every DLQ record of the run is
 * visible by then, a second copy written by a restarted processor included. Answers with the
 * number checked per kind.
 */
export async function assertMalformedDeadLetteredOnce(prefix: string, malformed: SimulatorTally['malformed'], where: string): Promise<{ checked: number; byKind: Record<string, number> }> {
  assert.deepEqual(Object.keys(malformed.byKind).sort(), Object.keys(SIMULATED_MALFORMED_REASONS).sort(), `${where}: the simulator sent every kind of malformed record`);
  await waitCaughtUp(`${where}: the processor caught up before the DLQ is read`, PROCESSOR_GROUP, SENSOR_READINGS_TOPIC, await endOffsets(SENSOR_READINGS_TOPIC), 180_000);
  const prefixBytes = Buffer.from(prefix);
  const deadLetters = (await collectFromTopic<Buffer | null, Buffer>(SENSOR_READINGS_DLQ_TOPIC, {
    raw: true,
    select: (key) => key !== null && key.includes(prefixBytes),
    done: () => true,
    untilEnd: true,
    timeoutMs: 120_000,
  })).filter((record) => record.headers['sim.malformed'] !== undefined);
  const sources = deadLetters.map((record) => `${record.headers['dlq.source.partition']}:${record.headers['dlq.source.offset']}`);
  assert.equal(new Set(sources).size, sources.length, `${where}: no malformed record is dead-lettered twice`);
  const byKind: Record<string, number> = {};
  for (const record of deadLetters) {
    const kind = record.headers['dlq.kind'] ?? '';
    const at = `${where}: DLQ offset ${record.partition}:${record.offset} (source ${record.headers['dlq.source.partition']}:${record.headers['dlq.source.offset']})`;
    assert.equal(kind, record.headers['sim.malformed'], `${at}: dead-lettered as the kind it was sent as (${record.headers['dlq.reason']})`);
    const reason = SIMULATED_MALFORMED_REASONS[kind];
    assert.ok(reason, `${at}: ${kind} is a kind the simulator sends`);
    assert.match(record.headers['dlq.reason'] ?? '', reason, `${at}: the reason of a ${kind} record`);
    assert.equal(record.headers['dlq.source.topic'], SENSOR_READINGS_TOPIC, `${at}: its source topic`);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  assert.deepEqual(byKind, malformed.byKind, `${where}: the DLQ per kind equals the tally per kind (${deadLetters.length} dead-lettered, ${malformed.count} acknowledged)`);
  return { checked: deadLetters.length, byKind };
}

// ---------------------------------------------------------------------------------------------
// The recovery table

export interface Recovery {
  fault: string;
  component: string;
  /** From the fault (kill, stop) to the component healthy again (its own health check), in ms. */
  healthyMs?: number;
  /** From the fault to the pipeline caught up behind it (see `caughtUp`), in ms. */
  caughtUpMs?: number;
  /** What "caught up" means for this row. */
  caughtUp: string;
}

export const recoveries: Recovery[] = [];

export function recordRecovery(recovery: Recovery): void {
  recoveries.push(recovery);
}

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** The table as text, one row per fault and component. */
export function formatRecoveryTable(rows: readonly Recovery[]): string {
  const header = ['fault', 'component', 'healthy after', 'caught up after', 'caught up = '];
  const cells = rows.map((row) => [row.fault, row.component, seconds(row.healthyMs), seconds(row.caughtUpMs), row.caughtUp]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
  const line = (cell: string[]) => cell.map((text, i) => (i === cell.length - 1 ? text : text.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
}

/** Writes the table as JSON under test-results/, answering with the file. */
export function writeRecoveryJson(rows: readonly Recovery[], outcome: Record<string, string>): string {
  const dir = join(REPO_ROOT, 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `faults-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ finishedAt: new Date().toISOString(), outcome, recoveries: rows }, null, 2) + '\n');
  return file;
}
