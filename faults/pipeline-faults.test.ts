// The fault-injection suite (npm run test:faults; scripts/run-faults.mjs runs it against a
// private stack of its own). Each test runs the simulator continuously with a ground-truth
// tally, injects one kind of failure into the running pipeline, measures how long the
// component took to be healthy again and the pipeline to catch up, and then checks the end
// state: every final window on the topic and in Postgres equals the tally, no alert is
// duplicated, and every malformed record the simulator slipped in is dead-lettered once with its
// kind and reason. The last test prints the recovery table and writes it to test-results/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { Partitioners } from 'kafkajs';
import { SENSOR_READINGS_DLQ_TOPIC, SENSOR_READINGS_TOPIC, WINDOW_COUNTS_TOPIC, ALERTS_TOPIC, type Alert, type AlertKey, type WindowCount, type WindowCountKey } from '@iot/contracts';
import { LOCAL_GATEWAY_TOKEN, loadPipelineProto, type AlertEvent__Output, type WindowCountEvent__Output } from '@iot/contracts/grpc';
import { connectorStatuses, down, grpcHealthStatus, hasSettled, killComponent, readConnectorConfigs, status, upWithApps } from '@iot/stack';
import { assertFinalWindowsMatchTally, badInputCatalog, collectFromTopic, kafka, REPO_ROOT, stack, uniquePrefix, waitFor, type SimulatorTally, type TopicRecord } from '@iot/e2e/support';
import {
  assertAlertsExactlyOnce,
  assertMalformedDeadLetteredOnce,
  committedOffsets,
  endOffsets,
  formatRecoveryTable,
  PROCESSOR_GROUP,
  recordRecovery,
  recoveries,
  sinkGroup,
  sinkTarget,
  startProducing,
  waitCaughtUp,
  writeRecoveryJson,
} from './recovery.ts';

const RATE = 60; // readings per second over the 38-sensor default fleet
// Every fault test's traffic carries some of each kind of malformed record: dead-lettering
// must be exactly once under the fault too.
const MALFORMED_RATIO = 0.02;
const quiet = () => undefined;
const outcome: Record<string, string> = {};
const pidOf = (name: string) => status(stack).find((component) => component.name === name)?.pid;
const gatewayAddress = `127.0.0.1:${stack.GATEWAY_PORT}`;
const gatewayServing = async () => ((await grpcHealthStatus(gatewayAddress, 'iot.v1.PipelineService').catch(() => undefined)) === 'SERVING' ? true : undefined);

/** A fault test: its outcome is noted for the JSON report. */
function faultTest(name: string, timeoutMs: number, body: () => Promise<void>): void {
  test(name, { timeout: timeoutMs }, async () => {
    try {
      await body();
      outcome[name] = 'passed';
    } catch (error) {
      outcome[name] = `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      throw error;
    }
  });
}

/**
 * The end state after a fault: the simulator's malformed records dead-lettered once each, windows
 * equal to the tally (topic and table), alerts not duplicated.
 */
async function assertEndState(prefix: string, tally: SimulatorTally, diagnostics: string): Promise<string> {
  assert.ok(tally.windows.length > 0, 'the run produced readings');
  const deadLettered = await assertMalformedDeadLetteredOnce(prefix, tally.malformed, diagnostics);
  await assertFinalWindowsMatchTally(prefix, tally.windows, diagnostics);
  const alerts = await assertAlertsExactlyOnce(prefix, diagnostics);
  assert.ok(alerts.occurrences > 0, `the run raised alerts (${diagnostics})`);
  const readings = tally.windows.reduce((sum, window) => sum + window.count, 0);
  return `${readings} readings in ${tally.windows.length} windows equal to the tally; ${alerts.occurrences} alert occurrences in ${alerts.records} records, none duplicated; ${deadLettered.checked} malformed records checked, each dead-lettered once with its kind and reason (${JSON.stringify(deadLettered.byKind)}, as the tally)`;
}

/** Waits until every connector of connect-config/ and each of its tasks is RUNNING. */
async function waitConnectorsRunning(timeoutMs: number): Promise<number> {
  const names = readConnectorConfigs().map((connector) => connector.name);
  await waitFor(`connectors ${names.join(', ')} RUNNING with their tasks`, async () => {
    const statuses = await connectorStatuses(stack);
    return names.every((name) => {
      const found = statuses.find((candidate) => candidate.name === name);
      return found !== undefined && hasSettled(found, 'RUNNING') && found.tasks.every((task) => task.state === 'RUNNING');
    }) ? true : undefined;
  }, timeoutMs, 250);
  return Date.now();
}

/** The sinks' groups caught up with the end offsets of their topics taken now. */
async function waitSinksCaughtUp(timeoutMs: number): Promise<number> {
  const windows = await endOffsets(WINDOW_COUNTS_TOPIC);
  const alerts = await endOffsets(ALERTS_TOPIC);
  await waitCaughtUp('the window-counts sink caught up', sinkGroup('iot-window-counts-sink'), WINDOW_COUNTS_TOPIC, await sinkTarget(WINDOW_COUNTS_TOPIC, windows), timeoutMs);
  return waitCaughtUp('the alerts sink caught up', sinkGroup('iot-alerts-sink'), ALERTS_TOPIC, await sinkTarget(ALERTS_TOPIC, alerts), timeoutMs);
}

/** Restarts what is not running (the stack tool's `up --apps`), as an operator or supervisor would. */
const restart = () => upWithApps(stack, quiet);

faultTest('the stream processor SIGKILLed 5 times at random moments and restarted: every final window equals the tally, no alert duplicated, each malformed record dead-lettered once', 600_000, async () => {
  const prefix = uniquePrefix('faults-processor');
  const producing = startProducing(prefix, { rate: RATE, outOfOrderRatio: 0.1, lateRatio: 0.02, malformedRatio: MALFORMED_RATIO });
  const delays: number[] = [];
  for (let kill = 1; kill <= 5; kill += 1) {
    const delayMs = 2000 + Math.floor(Math.random() * 6000);
    delays.push(delayMs);
    await sleep(delayMs);
    const target = await endOffsets(SENSOR_READINGS_TOPIC);
    const killedAt = Date.now();
    assert.ok(await killComponent(stack, 'stream-processor'), `kill ${kill}: the processor was running and got killed`);
    await restart();
    const healthyAt = Date.now();
    const caughtUpAt = await waitCaughtUp(`kill ${kill}: the restarted processor caught up`, PROCESSOR_GROUP, SENSOR_READINGS_TOPIC, target, 180_000);
    recordRecovery({
      fault: `processor SIGKILL ${kill}/5`,
      component: 'stream-processor',
      healthyMs: healthyAt - killedAt,
      caughtUpMs: caughtUpAt - killedAt,
      caughtUp: 'restarted (metrics up), state restored, committed every reading written before the kill',
    });
    assert.equal(producing.failed(), undefined, 'the producer keeps running');
  }
  const tally = await producing.stop();
  console.log(`processor kills after ${delays.join(', ')} ms: ${await assertEndState(prefix, tally, `kills after ${delays.join(', ')} ms`)}`);
});

faultTest('the Kafka broker stopped and restarted mid-run: producer, processor, sinks and gateway recover; every final window equals the tally, no alert duplicated, each malformed record dead-lettered once', 480_000, async () => {
  const prefix = uniquePrefix('faults-broker');
  const producing = startProducing(prefix, { rate: RATE, outOfOrderRatio: 0.1, malformedRatio: MALFORMED_RATIO });
  await sleep(10_000);
  const before = { processor: pidOf('stream-processor'), gateway: pidOf('grpc-gateway'), connect: pidOf('connect') };
  const written = await endOffsets(SENSOR_READINGS_TOPIC);
  const stoppedAt = Date.now();
  await down(stack, quiet, ['kafka']);
  const downAt = Date.now();
  await sleep(5000); // an outage, not just a bounce
  await restart(); // the broker, with its data; everything else is still running
  const healthyAt = Date.now();
  // Produces accepted again: the simulator's own traffic moves the readings topic's end.
  const writtenBefore = [...written.values()].reduce((sum, offset) => sum + offset, 0);
  await waitFor('the readings topic growing again (the simulator\'s produces accepted)', async () => {
    const now = await endOffsets(SENSOR_READINGS_TOPIC);
    return [...now.values()].reduce((sum, offset) => sum + offset, 0) > writtenBefore ? true : undefined;
  }, 120_000, 250);
  const producingAt = Date.now();
  recordRecovery({
    fault: 'broker stop + restart',
    component: 'kafka',
    healthyMs: healthyAt - stoppedAt,
    caughtUpMs: producingAt - stoppedAt,
    caughtUp: `the simulator's produces accepted again (graceful stop took ${((downAt - stoppedAt) / 1000).toFixed(1)} s, then 5 s down)`,
  });

  // The services were not restarted: they reconnect by themselves (or the stack tool restarts one that died).
  const target = await endOffsets(SENSOR_READINGS_TOPIC);
  const restarted: string[] = [];
  const processorAt = await waitFor('the processor caught up after the broker came back', async () => {
    if (pidOf('stream-processor') === undefined) {
      restarted.push('stream-processor');
      await restart();
    }
    const committed = await committedOffsets(PROCESSOR_GROUP, SENSOR_READINGS_TOPIC);
    return [...target].every(([partition, offset]) => (committed.get(partition) ?? -1) >= offset) ? Date.now() : undefined;
  }, 240_000, 250);
  const survived = pidOf('stream-processor') === before.processor;
  recordRecovery({
    fault: 'broker stop + restart',
    component: 'stream-processor',
    caughtUpMs: processorAt - stoppedAt,
    caughtUp: `committed every reading written until the broker was back (${survived ? 'same process, reconnected' : 'it exited and was restarted'})`,
  });
  const gatewayAt = await waitFor('the gateway SERVING', async () => {
    if (pidOf('grpc-gateway') === undefined) {
      restarted.push('grpc-gateway');
      await restart();
    }
    return (await gatewayServing()) ? Date.now() : undefined;
  }, 120_000, 250);
  recordRecovery({
    fault: 'broker stop + restart',
    component: 'grpc-gateway',
    caughtUpMs: gatewayAt - stoppedAt,
    caughtUp: `gRPC health SERVING (${pidOf('grpc-gateway') === before.gateway ? 'same process' : 'it exited and was restarted'})`,
  });
  await waitConnectorsRunning(180_000);
  const sinksAt = await waitSinksCaughtUp(180_000);
  recordRecovery({
    fault: 'broker stop + restart',
    component: 'connect',
    caughtUpMs: sinksAt - stoppedAt,
    caughtUp: `connectors RUNNING, both sinks committed past their topics' last transactionally committed records (${pidOf('connect') === before.connect ? 'same worker' : 'worker restarted'})`,
  });

  const tally = await producing.stop();
  const diagnostics = `broker down ${((healthyAt - stoppedAt) / 1000).toFixed(1)} s${restarted.length > 0 ? `; restarted after exiting: ${[...new Set(restarted)].join(', ')}` : ''}`;
  console.log(`broker restart: ${await assertEndState(prefix, tally, diagnostics)} (${diagnostics})`);
});

faultTest('the Kafka Connect worker SIGKILLed and restarted: connectors RUNNING again, the sinks catch up, every row equals the tally, no alert duplicated, each malformed record dead-lettered once', 420_000, async () => {
  const prefix = uniquePrefix('faults-connect');
  const producing = startProducing(prefix, { rate: RATE, outOfOrderRatio: 0.1, malformedRatio: MALFORMED_RATIO });
  await sleep(15_000);
  const killedAt = Date.now();
  assert.ok(await killComponent(stack, 'connect'), 'the Connect worker was running and got killed');
  await sleep(3000); // records keep coming while no worker runs
  await restart();
  const healthyAt = Date.now();
  const runningAt = await waitConnectorsRunning(240_000);
  const caughtUpAt = await waitSinksCaughtUp(240_000);
  recordRecovery({
    fault: 'Connect SIGKILL',
    component: 'connect',
    healthyMs: healthyAt - killedAt,
    caughtUpMs: caughtUpAt - killedAt,
    caughtUp: `every connector and task RUNNING (after ${((runningAt - killedAt) / 1000).toFixed(1)} s), both sinks committed past their topics' last transactionally committed records`,
  });
  const tally = await producing.stop();
  console.log(`Connect kill: ${await assertEndState(prefix, tally, 'Connect SIGKILLed')}`);
});

const WINDOW_SUBSCRIBERS = 100;
const ALERT_SUBSCRIBERS = 20;
const CHANNELS = 4;

/** What a resuming subscriber needs of a stream's event: its cursor, whether the snapshot is done, and the record it carries. */
interface StreamEvent {
  cursor: string;
  snapshotComplete?: unknown;
  position?: { partition: number; offset: string | number } | null;
}

/**
 * A server-streaming subscriber that, when its stream breaks, calls again with the last cursor
 * it received. `recordId` names the record an event carries (undefined: none); `received` keeps
 * each id's offsets in arrival order.
 */
class ResumingSubscriber<Event extends StreamEvent> {
  readonly received = new Map<string, number[]>();
  cursor = '';
  ready = false;
  reconnects = 0;
  resumedAt: number | undefined;
  cursorlessReconnects = 0;
  refused: string[] = [];
  private call: grpc.ClientReadableStream<Event> | undefined;
  private closed = false;
  private waitingForResume = false;

  constructor(
    readonly what: string,
    private readonly subscribe: (cursor: string, metadata: grpc.Metadata) => grpc.ClientReadableStream<Event>,
    private readonly recordId: (event: Event) => string | undefined,
  ) {}

  open(): void {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${LOCAL_GATEWAY_TOKEN}`);
    const call = this.subscribe(this.cursor, metadata);
    this.call = call;
    let broken = false;
    call.on('data', (event: Event) => {
      if (this.waitingForResume) {
        this.waitingForResume = false;
        this.resumedAt = Date.now();
      }
      if (event.cursor) this.cursor = event.cursor;
      if (event.snapshotComplete) this.ready = true;
      const id = this.recordId(event);
      if (id === undefined || !event.position) return;
      this.received.set(id, [...(this.received.get(id) ?? []), Number(event.position.offset)]);
    });
    const reconnect = (error?: grpc.ServiceError) => {
      if (this.closed || broken) return;
      broken = true;
      if (error?.code === grpc.status.OUT_OF_RANGE || error?.code === grpc.status.RESOURCE_EXHAUSTED) this.refused.push(`${grpc.status[error.code]}: ${error.details}`);
      if (!this.cursor) this.cursorlessReconnects += 1;
      this.reconnects += 1;
      this.waitingForResume = true;
      setTimeout(() => this.open(), 250);
    };
    call.on('error', reconnect);
    call.on('end', () => reconnect());
  }

  close(): void {
    this.closed = true;
    this.call?.cancel();
  }
}

faultTest(`the gateway SIGKILLed and restarted with ${WINDOW_SUBSCRIBERS} StreamWindowCounts and ${ALERT_SUBSCRIBERS} StreamAlerts subscribers attached: each resumes from its cursor: the topic's records in order, none twice, every window to its final, every alert record; each malformed record dead-lettered once`, 420_000, async () => {
  const prefix = uniquePrefix('faults-gateway');
  const proto = loadPipelineProto(grpc);
  // Quick reconnects: grpc-js would otherwise back off up to minutes between connection attempts.
  const options = { 'grpc.use_local_subchannel_pool': 1, 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 1000 };
  const clients = Array.from({ length: CHANNELS }, () => new proto.iot.v1.PipelineService(gatewayAddress, grpc.credentials.createInsecure(), options));
  const fleet = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'fleet', '--prefix', prefix], { cwd: join(REPO_ROOT, 'producers'), encoding: 'utf8' })
    .trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
  const windowSubscribers = Array.from({ length: WINDOW_SUBSCRIBERS }, (_, i) => {
    const sensorIds = [fleet[i % fleet.length]!, fleet[(i + 7) % fleet.length]!];
    const client = clients[i % CHANNELS]!;
    return Object.assign(
      new ResumingSubscriber<WindowCountEvent__Output>(
        `window subscriber of ${sensorIds.join(', ')}`,
        (cursor, metadata) => client.StreamWindowCounts({ sensorIds, snapshotMinutes: 1, ...(cursor ? { resumeCursor: cursor } : {}) }, metadata),
        (event) => (event.windowCount ? `${event.windowCount.sensorId}@${event.windowCount.windowStartMs}` : undefined),
      ),
      { sensorIds },
    );
  });
  // Alerts are never coalesced: each alert subscriber, following the whole fleet, must get every
  // alert record of it, in the topic's order per partition.
  const alertSubscribers = Array.from({ length: ALERT_SUBSCRIBERS }, (_, i) => {
    const client = clients[i % CHANNELS]!;
    return new ResumingSubscriber<AlertEvent__Output>(
      `alert subscriber ${i}`,
      (cursor, metadata) => client.StreamAlerts({ sensorIds: fleet, ...(cursor ? { resumeCursor: cursor } : {}) }, metadata),
      (event) => (event.alert && !event.snapshot && event.position ? `p${event.position.partition}` : undefined),
    );
  });
  const subscribers = [...windowSubscribers, ...alertSubscribers];
  try {
    for (const subscriber of subscribers) subscriber.open();
    await waitFor('every subscriber past its snapshot', async () => (subscribers.every((subscriber) => subscriber.ready) ? true : undefined), 60_000, 250);
    const producing = startProducing(prefix, { rate: RATE, outOfOrderRatio: 0.1, malformedRatio: MALFORMED_RATIO });
    await waitFor('every window subscriber receiving window counts', async () => (windowSubscribers.every((subscriber) => subscriber.received.size > 0) ? true : undefined), 60_000, 250);
    await sleep(3000);

    const killedAt = Date.now();
    assert.ok(await killComponent(stack, 'grpc-gateway'), 'the gateway was running and got killed');
    await restart(); // returns once the gateway is SERVING (it has read the window counts to their end)
    const servingAt = Date.now();
    await waitFor(`all ${subscribers.length} subscribers resumed`, async () => (subscribers.every((subscriber) => subscriber.reconnects > 0 && subscriber.resumedAt !== undefined) ? true : undefined), 120_000, 250);
    const resumedAt = Math.max(...subscribers.map((subscriber) => subscriber.resumedAt!));
    recordRecovery({
      fault: 'gateway SIGKILL',
      component: 'grpc-gateway',
      healthyMs: servingAt - killedAt,
      caughtUpMs: resumedAt - killedAt,
      caughtUp: `all ${subscribers.length} subscribers (${WINDOW_SUBSCRIBERS} window counts, ${ALERT_SUBSCRIBERS} alerts) reconnected with their cursors and streaming again`,
    });

    const tally = await producing.stop();
    const endState = await assertEndState(prefix, tally, 'gateway SIGKILLed');

    // Every window subscriber ends on the topic's last record of each of its windows (the final),
    // and got a run of the topic's records in order with nothing twice. On resume the gateway
    // sends the records missed meanwhile through the subscriber's queue, which keeps each
    // window's newest value when the client cannot take them all at once (as for any slow
    // client, see grpc-gateway/README.md): such skipped intermediate updates are counted, not a failure.
    const topic = await collectFromTopic<WindowCountKey, WindowCount>(WINDOW_COUNTS_TOPIC, {
      select: (key) => key.sensorId.startsWith(prefix),
      done: (records) => new Set(records.filter((record) => record.value?.final).map((record) => `${record.key.sensorId}@${record.key.windowStart}`)).size >= tally.windows.length,
      timeoutMs: 60_000,
    });
    const expected = new Map<string, number[]>();
    for (const record of topic) {
      const id = `${record.key.sensorId}@${record.key.windowStart}`;
      expected.set(id, [...(expected.get(id) ?? []), Number(record.offset)]);
    }
    const windowsOf = (sensorIds: string[]) => [...expected.keys()].filter((id) => sensorIds.some((sensorId) => id.startsWith(`${sensorId}@`)));
    await waitFor('every window subscriber at the final record of each of its windows', async () =>
      windowSubscribers.every((subscriber) => windowsOf(subscriber.sensorIds).every((id) => subscriber.received.get(id)?.at(-1) === expected.get(id)!.at(-1))) ? true : undefined, 60_000, 500);

    // The fleet's alert records up to the topic's end now (SILENCE alerts may still open later, once the fleet is quiet).
    const alertsEnd = await endOffsets(ALERTS_TOPIC);
    const alertRecords = await collectFromTopic<AlertKey, Alert>(ALERTS_TOPIC, {
      select: (key) => key.sensorId.startsWith(prefix),
      done: () => true,
      untilEnd: true,
      timeoutMs: 60_000,
    });
    const expectedAlerts = new Map<string, number[]>();
    for (const record of alertRecords) {
      if (Number(record.offset) >= (alertsEnd.get(record.partition) ?? 0)) continue;
      expectedAlerts.set(`p${record.partition}`, [...(expectedAlerts.get(`p${record.partition}`) ?? []), Number(record.offset)]);
    }
    assert.ok(expectedAlerts.size > 0, 'the run raised alerts for the alert subscribers to follow');
    const alertsUntilEnd = (subscriber: ResumingSubscriber<AlertEvent__Output>, partition: string) =>
      (subscriber.received.get(partition) ?? []).filter((offset) => offset < (alertsEnd.get(Number(partition.slice(1))) ?? 0));
    await waitFor('every alert subscriber at the last alert record of each partition', async () =>
      alertSubscribers.every((subscriber) => [...expectedAlerts].every(([partition, offsets]) => alertsUntilEnd(subscriber, partition).at(-1) === offsets.at(-1))) ? true : undefined, 60_000, 500);

    for (const subscriber of subscribers) {
      assert.deepEqual(subscriber.refused, [], `${subscriber.what}: its cursor was accepted`);
      assert.equal(subscriber.cursorlessReconnects, 0, `${subscriber.what}: every reconnect had a cursor`);
    }
    let messages = 0;
    let skipped = 0;
    for (const subscriber of windowSubscribers) {
      for (const id of windowsOf(subscriber.sensorIds)) {
        const got = subscriber.received.get(id) ?? [];
        const all = expected.get(id)!;
        const where = `${subscriber.what}, window ${id}: got ${got.join(',')} of the topic's ${all.join(',')}`;
        assert.ok(got.every((offset, i) => all.includes(offset) && (i === 0 || offset > got[i - 1]!)), `${where}: only the topic's records, in order, none twice`);
        assert.equal(got.at(-1), all.at(-1), `${where}: ends on the final`);
        messages += got.length;
        skipped += all.length - got.length;
      }
    }
    let alertMessages = 0;
    for (const subscriber of alertSubscribers) {
      for (const [partition, offsets] of expectedAlerts) {
        const got = alertsUntilEnd(subscriber, partition);
        assert.deepEqual(got, offsets, `${subscriber.what}, iot.alerts ${partition}: every alert record of the fleet, in order, none twice`);
        alertMessages += got.length;
      }
    }
    const alertCount = [...expectedAlerts.values()].reduce((sum, offsets) => sum + offsets.length, 0);
    const reconnects = subscribers.reduce((sum, subscriber) => sum + subscriber.reconnects, 0);
    console.log(`gateway restart: ${subscribers.length} subscribers (${reconnects} reconnect attempts); ${WINDOW_SUBSCRIBERS} window subscribers received ${messages} window records, in order and none twice, each window ending on its final (${skipped} intermediate updates coalesced on resume); ${ALERT_SUBSCRIBERS} alert subscribers each received all ${alertCount} alert records of the fleet (${alertMessages} in all), in order, none twice; ${endState}`);
  } finally {
    for (const subscriber of subscribers) subscriber.close();
    for (const client of clients) client.close();
  }
});

faultTest('the DLQ flooded with every kind of malformed reading while good traffic flows: each is dead-lettered once with its reason, good windows equal the tally', 420_000, async () => {
  const prefix = uniquePrefix('faults-dlq');
  const catalogPrefix = uniquePrefix('faults-dlq-catalog'); // its records make no windows
  const producing = startProducing(prefix, { rate: RATE, outOfOrderRatio: 0.1, malformedRatio: 0.05 });
  const { bad } = await badInputCatalog(catalogPrefix);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const ROUNDS = 10;
  const cases = new Map<string, (typeof bad)[number]>();
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      await sleep(2000);
      const messages = bad.map((record, i) => {
        const id = `${catalogPrefix}${round}-${i}`;
        cases.set(id, record);
        return { key: record.key, value: record.value, headers: { 'faults.case': id } };
      });
      await producer.send({ topic: SENSOR_READINGS_TOPIC, messages });
    }
  } finally {
    await producer.disconnect();
  }
  const tally = await producing.stop();
  const stoppedAt = Date.now();

  // The catalog's records here; the simulator's malformed ones are checked with the end state.
  const isCatalog = (record: TopicRecord<Buffer, Buffer>) => record.headers['faults.case']?.startsWith(catalogPrefix) === true;
  const dead = await collectFromTopic<Buffer, Buffer>(SENSOR_READINGS_DLQ_TOPIC, {
    raw: true,
    select: () => true,
    done: (found) => found.filter(isCatalog).length >= cases.size,
    timeoutMs: 120_000,
  });
  const catalog = dead.filter(isCatalog);
  const dlqAt = Date.now();
  const sources = catalog.map((r) => `${r.headers['dlq.source.partition']}:${r.headers['dlq.source.offset']}`);
  assert.equal(new Set(sources).size, sources.length, 'no source record is dead-lettered twice');
  assert.equal(catalog.length, cases.size, 'each catalog record is dead-lettered exactly once');
  for (const [id, expected] of cases) {
    const record = catalog.find((r) => r.headers['faults.case'] === id);
    assert.ok(record, `${id} (${expected.kind}) reached the DLQ`);
    assert.equal(record.headers['dlq.kind'], expected.kind, `${id}: ${record.headers['dlq.reason']}`);
    assert.match(record.headers['dlq.reason'] ?? '', expected.reason, id);
    assert.equal(record.headers['dlq.source.topic'], SENSOR_READINGS_TOPIC);
    assert.deepEqual(record.value, expected.value, `${id}: the original bytes are kept`);
  }
  const kinds = new Set(catalog.map((r) => r.headers['dlq.kind']));
  assert.equal(kinds.size, 9, `every kind of bad input: ${[...kinds].sort().join(', ')}`);

  const endState = await assertEndState(prefix, tally, `${catalog.length} catalog records, ${tally.malformed.count} malformed records from the simulator`);
  recordRecovery({
    fault: 'DLQ flood',
    component: 'stream-processor',
    caughtUpMs: dlqAt - stoppedAt,
    caughtUp: `no failure to recover from: from the producer's stop to all ${catalog.length} catalog records read back from the DLQ`,
  });
  console.log(`DLQ flood: ${catalog.length} catalog records (${bad.length} cases × ${ROUNDS}, ${kinds.size} kinds) each dead-lettered once with its reason; ${endState}`);
});

test('recovery table', () => {
  const file = writeRecoveryJson(recoveries, outcome);
  console.log(`\nRecovery after each fault (from the fault to healthy, and to caught up):\n\n${formatRecoveryTable(recoveries)}\n\n(also in ${file})`);
  assert.ok(recoveries.length > 0, 'some fault was measured');
});

