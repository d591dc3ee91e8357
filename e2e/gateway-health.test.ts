import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { ALERT_ACKS_TOPIC, ALERTS_TOPIC, DEVICES_TOPIC, SENSOR_READINGS_TOPIC, WINDOW_COUNTS_TOPIC } from '@iot/contracts';
import { LOCAL_GATEWAY_TOKEN, loadPipelineProto, type ConnectorHealth__Output, type GetPipelineHealthResponse__Output, type PipelineServiceClient } from '@iot/contracts/grpc';
import { readConnectorConfigs, serviceEnv } from '@iot/stack';
import { ingestReadings, kafka, REPO_ROOT, stack, uniquePrefix, waitFor } from './support.ts';

// GetPipelineHealth against the real running pipeline: what the gateway reports is checked
// against Kafka, the registry and Connect asked directly. The gateway under test is the one at
// GATEWAY_PORT (the stack's, or one started from source on another port); the unreachable-part
// test starts a gateway of its own.

const proto = loadPipelineProto(grpc);
const clientFor = (port: number): PipelineServiceClient => new proto.iot.v1.PipelineService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const client = clientFor(stack.GATEWAY_PORT);
const auth = () => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${LOCAL_GATEWAY_TOKEN}`);
  return metadata;
};

function getHealth(on: PipelineServiceClient = client, metadata = auth(), deadlineMs = 10_000): Promise<GetPipelineHealthResponse__Output> {
  return new Promise((resolve, reject) => on.GetPipelineHealth({}, metadata, { deadline: Date.now() + deadlineMs }, (error, response) => (error ? reject(error) : resolve(response!))));
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.ok(response.ok, `GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

type Offsets = Map<string, Map<number, number>>;
/** The group's committed offsets (-1: none) and the topics' first and end offsets, as a kafkajs admin reads them. */
async function offsetsNow(groupId: string, topics: string[]): Promise<{ committed: Offsets; starts: Offsets; ends: Offsets }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed: Offsets = new Map();
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) committed.set(topic, new Map(partitions.map(({ partition, offset }) => [partition, Number(offset)])));
    const starts: Offsets = new Map();
    const ends: Offsets = new Map();
    for (const topic of topics) {
      const partitions = await admin.fetchTopicOffsets(topic);
      starts.set(topic, new Map(partitions.map(({ partition, low }) => [partition, Number(low)])));
      ends.set(topic, new Map(partitions.map(({ partition, high }) => [partition, Number(high)])));
    }
    return { committed, starts, ends };
  } finally {
    await admin.disconnect();
  }
}
const committedTotal = (offsets: Offsets) => [...offsets.values()].flatMap((partitions) => [...partitions.values()]).reduce((sum, offset) => sum + Math.max(0, offset), 0);

test('GetPipelineHealth needs a bearer token like every other method', { timeout: 30_000 }, async () => {
  await assert.rejects(getHealth(client, new grpc.Metadata()), (error: grpc.ServiceError) => {
    assert.equal(error.code, grpc.status.UNAUTHENTICATED);
    assert.match(error.details, /authorization/);
    return true;
  });
});

test('GetPipelineHealth on the running pipeline: broker and registry UP as Kafka and the registry say, every connector of connect-config/ RUNNING as Connect reports it, the gateway caught up', { timeout: 90_000 }, async () => {
  const stream = client.StreamWindowCounts({ finalsOnly: true }, auth());
  stream.on('error', () => undefined); // cancelled at the end
  const snapshotDone = new Promise<void>((resolve) => stream.on('data', (event: { snapshotComplete?: unknown }) => event.snapshotComplete && resolve()));
  try {
    await snapshotDone;
    const subjectsBefore = await getJson<string[]>(`${stack.registryCcompatUrl}/subjects`);
    const health = await getHealth();
    const subjectsAfter = await getJson<string[]>(`${stack.registryCcompatUrl}/subjects`);
    assert.ok(health.checkedAtMs <= Date.now() && health.checkedAtMs > Date.now() - 15_000);

    // Broker: what a metadata request of our own says.
    const admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster().finally(() => admin.disconnect());
    assert.equal(health.broker?.status, 'HEALTH_STATUS_UP', health.broker?.detail);
    assert.equal(health.broker?.clusterId, cluster.clusterId);
    assert.equal(health.broker?.controllerId, cluster.controller);
    assert.deepEqual(health.broker?.brokers.map((broker) => broker.nodeId).sort(), cluster.brokers.map((broker) => broker.nodeId).sort());
    assert.ok(health.broker!.probeMs < 1500);

    // Registry: its subjects, and none of the gateway's missing.
    assert.equal(health.schemaRegistry?.status, 'HEALTH_STATUS_UP', health.schemaRegistry?.detail);
    assert.deepEqual(health.schemaRegistry?.missingSubjects, []);
    assert.ok(health.schemaRegistry!.subjectCount >= subjectsBefore.length && health.schemaRegistry!.subjectCount <= subjectsAfter.length, `${health.schemaRegistry!.subjectCount} subjects, the registry has ${subjectsAfter.length}`);

    // Connect: every connector we define, RUNNING with its tasks, exactly as Connect's own status endpoint says.
    const defined = readConnectorConfigs().map((connector) => connector.name).sort();
    assert.ok(defined.length > 0);
    const listed = (await getJson<string[]>(`${stack.connectUrl}/connectors`)).sort();
    assert.deepEqual(health.kafkaConnect?.connectors.map((connector) => connector.name), listed, 'every connector Connect has, by name');
    assert.equal(health.kafkaConnect?.status, 'HEALTH_STATUS_UP', health.kafkaConnect?.detail);
    for (const name of defined) {
      const direct = await getJson<{ connector: { state: string; worker_id: string }; tasks: Array<{ id: number; state: string; worker_id: string }>; type: string }>(`${stack.connectUrl}/connectors/${encodeURIComponent(name)}/status`);
      const reported: ConnectorHealth__Output | undefined = health.kafkaConnect?.connectors.find((connector) => connector.name === name);
      assert.ok(reported, `${name} is reported`);
      assert.equal(direct.connector.state, 'RUNNING', `${name} runs`);
      assert.equal(reported.state, `CONNECTOR_STATE_${direct.connector.state}`);
      assert.equal(reported.workerId, direct.connector.worker_id);
      assert.equal(reported.type, direct.type);
      assert.equal(reported.status, 'HEALTH_STATUS_UP', reported.detail);
      assert.ok(direct.tasks.length > 0);
      assert.deepEqual(
        reported.tasks.map((task) => [task.id, task.state, task.workerId, task.trace]),
        direct.tasks.sort((a, b) => a.id - b.id).map((task) => [task.id, `CONNECTOR_STATE_${task.state}`, task.worker_id, '']),
      );
    }

    // The gateway: its three streams, loaded and caught up, our stream among the subscribers.
    assert.equal(health.gateway?.status, 'HEALTH_STATUS_UP', health.gateway?.detail);
    assert.deepEqual(health.gateway?.feeds.map((feed) => [feed.stream, feed.topic, feed.loaded, feed.caughtUp]), [
      ['StreamReadings', SENSOR_READINGS_TOPIC, true, true],
      ['StreamWindowCounts', WINDOW_COUNTS_TOPIC, true, true],
      ['StreamAlerts', ALERTS_TOPIC, true, true],
    ]);
    assert.ok(health.gateway!.feeds[1]!.subscribers >= 1, 'our StreamWindowCounts call is counted');
    assert.ok(health.gateway!.uptimeMs > 0 && Math.abs(health.gateway!.startedAtMs + health.gateway!.uptimeMs - health.checkedAtMs) < 2000);

    // Topics: the contract's, in order; alerts and devices are not judged by age.
    assert.deepEqual(health.topics.map((topic) => [topic.topic, topic.staleAfterMs > 0]), [[SENSOR_READINGS_TOPIC, true], [WINDOW_COUNTS_TOPIC, true], [ALERTS_TOPIC, false], [DEVICES_TOPIC, false]]);
    assert.notEqual(health.topics[3]?.status, 'HEALTH_STATUS_UNKNOWN', 'the devices topic is watched');
  } finally {
    stream.cancel();
  }
});

test('GetPipelineHealth: the processor group\'s lag is what a kafkajs admin measures (within the records that moved meanwhile), its throughput what its committed offsets show', { timeout: 120_000 }, async () => {
  // Rates need two offset samples: a gateway that just started has none yet.
  const first = await waitFor('the gateway\'s throughput (two offset samples)', async () => {
    const health = await getHealth();
    return health.streamProcessor?.consumedRecordsPerSecond === undefined ? undefined : health;
  }, 30_000, 1000);
  const groupId = first.streamProcessor!.groupId;
  assert.equal(first.streamProcessor?.status, 'HEALTH_STATUS_UP', first.streamProcessor?.detail);
  assert.equal(first.streamProcessor?.groupState, 'CONSUMER_GROUP_STATE_STABLE');
  assert.ok(first.streamProcessor!.members.length >= 1);
  const inputs = [ALERT_ACKS_TOPIC, SENSOR_READINGS_TOPIC].sort();
  assert.deepEqual(first.streamProcessor?.lagByTopic.map((topic) => topic.topic), inputs, 'per input topic');
  for (const member of first.streamProcessor!.members) assert.deepEqual(member.assignment.map((entry) => entry.topic), inputs);

  // Lag: committed offsets only grow and end offsets only grow, so what the gateway read lies
  // between our reads before and after it: end(before) - committed(after) <= lag <= end(after) - committed(before).
  // A partition with no commit is read from its first offset.
  const readFrom = (offsets: { committed: Offsets; starts: Offsets }, topic: string, partition: number) => {
    const committed = offsets.committed.get(topic)!.get(partition)!;
    return committed >= 0 ? committed : offsets.starts.get(topic)!.get(partition)!;
  };
  const before = await offsetsNow(groupId, inputs);
  const health = await getHealth();
  const after = await offsetsNow(groupId, inputs);
  const processor = health.streamProcessor!;
  let low = 0;
  let high = 0;
  for (const topicLag of processor.lagByTopic) {
    let topicLow = 0;
    let topicHigh = 0;
    for (const partition of topicLag.partitions) {
      const committedBefore = before.committed.get(topicLag.topic)!.get(partition.partition)!;
      const committedAfter = after.committed.get(topicLag.topic)!.get(partition.partition)!;
      const endBefore = before.ends.get(topicLag.topic)!.get(partition.partition)!;
      const endAfter = after.ends.get(topicLag.topic)!.get(partition.partition)!;
      const where = `${topicLag.topic}[${partition.partition}]`;
      assert.ok(partition.committedOffset >= committedBefore && partition.committedOffset <= committedAfter, `${where}: committed ${partition.committedOffset} within [${committedBefore}, ${committedAfter}]`);
      assert.ok(partition.endOffset >= endBefore && partition.endOffset <= endAfter, `${where}: end ${partition.endOffset} within [${endBefore}, ${endAfter}]`);
      const partitionLow = Math.max(0, endBefore - readFrom(after, topicLag.topic, partition.partition));
      const partitionHigh = Math.max(0, endAfter - readFrom(before, topicLag.topic, partition.partition));
      assert.ok(partition.lag >= partitionLow && partition.lag <= partitionHigh, `${where}: lag ${partition.lag} within [${partitionLow}, ${partitionHigh}]`);
      topicLow += partitionLow;
      topicHigh += partitionHigh;
    }
    assert.ok(topicLag.lag >= topicLow && topicLag.lag <= topicHigh, `${topicLag.topic}: lag ${topicLag.lag} within [${topicLow}, ${topicHigh}]`);
    low += topicLow;
    high += topicHigh;
  }
  assert.ok(processor.totalLag >= low && processor.totalLag <= high, `total lag ${processor.totalLag} within [${low}, ${high}]`);

  // Throughput: the gateway's rate (over its last rate_window_ms) against the group's commits over
  // the same span of our own, so that a burst before the window (an earlier test's) is in neither.
  const windowMs = Math.max(processor.rateWindowMs, 10_000);
  const start = await offsetsNow(groupId, inputs);
  const startedAt = Date.now();
  await sleep(windowMs);
  const end = await offsetsNow(groupId, inputs);
  const ownRate = (committedTotal(end.committed) - committedTotal(start.committed)) / ((Date.now() - startedAt) / 1000);
  const reported = await getHealth();
  const rate = reported.streamProcessor!.consumedRecordsPerSecond!;
  assert.ok(reported.streamProcessor!.rateWindowMs >= 5000, `rates over ${reported.streamProcessor!.rateWindowMs} ms`);
  assert.ok(Math.abs(rate - ownRate) <= Math.max(5, ownRate / 2), `gateway ${rate.toFixed(1)} records/s, measured ${ownRate.toFixed(1)} records/s`);
});

test('GetPipelineHealth: the readings topic\'s freshness follows what the gateway reads (a reading ingested now makes it younger)', { timeout: 60_000 }, async () => {
  const prefix = uniquePrefix('e2e-health');
  const stampedAt = Date.now();
  const response = await ingestReadings([{ sensorId: `${prefix}temp-1`, sensorType: 'temperature', siteId: `${prefix}site`, timestampMs: stampedAt, value: 21.5, unit: '°C' }]);
  assert.equal(response.accepted, 1);
  const health = await waitFor('the gateway to read the ingested reading', async () => {
    const current = await getHealth();
    return current.topics[0]!.newestRecordTimestampMs >= stampedAt ? current : undefined;
  }, 20_000, 250);
  const readings = health.topics[0]!;
  assert.equal(readings.topic, SENSOR_READINGS_TOPIC);
  assert.equal(readings.status, 'HEALTH_STATUS_UP', readings.detail);
  assert.equal(readings.newestRecordAgeMs, Math.max(0, health.checkedAtMs - readings.newestRecordTimestampMs));
  assert.ok(readings.lastReceivedAtMs >= stampedAt - 1000);
});

/** A port nothing listens on (just released by us). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function stopGateway(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM'); // lets it delete its throwaway consumer groups
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(killer);
}

test('GetPipelineHealth: Kafka Connect unreachable is DOWN with the reason, refused or silent, and the call still answers within the probe timeout (a gateway of our own, CONNECT_URL at a closed port)', { timeout: 150_000 }, async () => {
  const [connectPort, gatewayPort] = [await closedPort(), await closedPort()];
  const connectUrl = `http://127.0.0.1:${connectPort}`;
  const logDir = mkdtempSync(join(tmpdir(), 'gateway-health-'));
  const gateway = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(REPO_ROOT, 'grpc-gateway'),
    env: { ...process.env, ...serviceEnv(stack), GATEWAY_PORT: String(gatewayPort), METRICS_PORT: '0', CONNECT_URL: connectUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(logDir, 'grpc-gateway.log'));
  gateway.stdout!.pipe(log);
  gateway.stderr!.pipe(log);
  const own = clientFor(gatewayPort);
  let silent: Server | undefined;
  try {
    const refused = await waitFor(`our gateway on port ${gatewayPort} to answer (log: ${logDir})`, async () => {
      if (gateway.exitCode !== null) throw new Error(`the gateway exited with ${gateway.exitCode} (log: ${logDir})`);
      return await getHealth(own, auth(), 5000).catch(() => undefined);
    }, 90_000, 1000);
    assert.equal(refused.kafkaConnect?.status, 'HEALTH_STATUS_DOWN');
    assert.equal(refused.kafkaConnect?.url, connectUrl);
    assert.match(refused.kafkaConnect!.detail, new RegExp(`^Kafka Connect does not answer: GET ${connectUrl}/connectors\\?expand=status: ECONNREFUSED$`));
    assert.deepEqual(refused.kafkaConnect?.connectors, []);
    assert.equal(refused.status, 'HEALTH_STATUS_DOWN');
    assert.match(refused.detail, /DOWN: [^;]*kafka_connect \(Kafka Connect does not answer: .*ECONNREFUSED\)/);
    assert.equal(refused.broker?.status, 'HEALTH_STATUS_UP', 'the other parts are still probed');
    assert.equal(refused.schemaRegistry?.status, 'HEALTH_STATUS_UP');

    // Now something listens there but never answers: DOWN by the timeout, and the call is not held up.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent!.listen(connectPort, '127.0.0.1', resolve));
    const started = Date.now();
    const hung = await getHealth(own);
    const took = Date.now() - started;
    assert.equal(hung.kafkaConnect?.status, 'HEALTH_STATUS_DOWN');
    assert.match(hung.kafkaConnect!.detail, /no answer within 1500 ms/);
    assert.ok(hung.kafkaConnect!.probeMs >= 1400 && hung.kafkaConnect!.probeMs < 2500, `probe took ${hung.kafkaConnect!.probeMs} ms`);
    assert.ok(took < 4000, `the call took ${took} ms`);
  } finally {
    own.close();
    silent?.closeAllConnections();
    silent?.close();
    await stopGateway(gateway);
  }
});
