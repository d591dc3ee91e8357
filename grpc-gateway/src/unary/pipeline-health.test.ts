import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { loadPipelineProto, type GetPipelineHealthRequest__Output, type GetPipelineHealthResponse } from '@iot/contracts/grpc';
import { silentLogger } from '../test-support.ts';
import {
  brokerHealth,
  checkPipelineHealth,
  connectHealth,
  describeError,
  feedHealth,
  formatDuration,
  gatewayHealth,
  getPipelineHealthHandler,
  groupLag,
  offsetRates,
  overallHealth,
  probeGroup,
  processorHealth,
  recordsBehind,
  registryHealth,
  runProbe,
  stalledPartitions,
  topicFreshness,
  worstStatus,
  type FeedView,
  type GroupView,
  type KafkaProbes,
  type OffsetSample,
  type Offsets,
  type Outcome,
  type PipelineHealthDeps,
} from './pipeline-health.ts';

const ok = <T>(value: T, ms = 12): Outcome<T> => ({ ok: true, value, ms });
const failed = (reason: string, ms = 1500): Outcome<never> => ({ ok: false, reason, ms });
/** Offsets from { topic: [offset of partition 0, of partition 1, ...] }. */
const offsets = (byTopic: Record<string, number[]>): Offsets => new Map(Object.entries(byTopic).map(([topic, list]) => [topic, new Map(list.map((offset, partition) => [partition, offset]))]));
const sample = (atMs: number, committed: Record<string, number[]>, ends: Record<string, number[]>): OffsetSample => ({ atMs, committed: offsets(committed), ends: offsets(ends) });

test('the worst status wins: DOWN over DEGRADED over UNKNOWN over UP; the summary names each part that is not UP, worst first', () => {
  assert.equal(worstStatus([]), 'HEALTH_STATUS_UP');
  assert.equal(worstStatus(['HEALTH_STATUS_UP', 'HEALTH_STATUS_UNKNOWN']), 'HEALTH_STATUS_UNKNOWN');
  assert.equal(worstStatus(['HEALTH_STATUS_UNKNOWN', 'HEALTH_STATUS_DEGRADED', 'HEALTH_STATUS_UP']), 'HEALTH_STATUS_DEGRADED');
  assert.equal(worstStatus(['HEALTH_STATUS_DEGRADED', 'HEALTH_STATUS_DOWN', 'HEALTH_STATUS_UNKNOWN']), 'HEALTH_STATUS_DOWN');
  assert.equal(worstStatus(['HEALTH_STATUS_UNSPECIFIED']), 'HEALTH_STATUS_UNKNOWN', 'an unset status is not taken for UP');

  assert.deepEqual(overallHealth([{ name: 'broker', status: 'HEALTH_STATUS_UP', detail: '1 broker' }]), { status: 'HEALTH_STATUS_UP', detail: 'all parts UP' });
  assert.deepEqual(
    overallHealth([
      { name: 'broker', status: 'HEALTH_STATUS_UP', detail: '1 broker' },
      { name: 'topic iot.alerts', status: 'HEALTH_STATUS_UNKNOWN', detail: 'not watched' },
      { name: 'gateway', status: 'HEALTH_STATUS_DEGRADED', detail: 'loading' },
      { name: 'kafka_connect', status: 'HEALTH_STATUS_DOWN', detail: 'ECONNREFUSED' },
    ]),
    { status: 'HEALTH_STATUS_DOWN', detail: 'DOWN: kafka_connect (ECONNREFUSED); DEGRADED: gateway (loading); UNKNOWN: topic iot.alerts (not watched)' },
  );
});

test('a probe never takes longer than its timeout and never throws: a hang is "no answer within", an error its message and cause', async () => {
  const started = Date.now();
  const hung = await runProbe(100, () => new Promise<never>(() => undefined));
  assert.deepEqual({ ok: hung.ok, reason: !hung.ok && hung.reason }, { ok: false, reason: 'no answer within 100 ms' });
  assert.ok(Date.now() - started < 1000, 'returned at the timeout');

  const refused = await runProbe(1000, async () => {
    throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
  });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.reason, 'fetch failed: connect ECONNREFUSED 127.0.0.1:1');

  const answered = await runProbe(1000, async () => 42);
  assert.deepEqual({ ok: answered.ok, value: answered.ok && answered.value }, { ok: true, value: 42 });
  assert.ok(answered.ms >= 0 && answered.ms < 1000);

  assert.equal(describeError(new Error('Connection error: connect ECONNREFUSED', { cause: new Error('connect ECONNREFUSED') })), 'Connection error: connect ECONNREFUSED', 'a cause already in the message is not repeated');
  assert.equal(describeError('plain'), 'plain');
});

test('durations read as people say them', () => {
  assert.deepEqual([0, 850, 12_400, 60_000, 303_000, 3_600_000, 7_800_000, 3 * 86_400_000].map(formatDuration), ['0 ms', '850 ms', '12 s', '1 min', '5 min 3 s', '1 h', '2 h 10 min', '3 d']);
});

test('broker: UP with brokers and a controller, DEGRADED with no controller, DOWN with the reason when Kafka does not answer', () => {
  const cluster = { clusterId: 'c-1', controllerId: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] };
  assert.deepEqual(brokerHealth(ok(cluster, 7)), { status: 'HEALTH_STATUS_UP', detail: '1 broker, controller 1', probeMs: 7, clusterId: 'c-1', controllerId: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }] });
  const leaderless = brokerHealth(ok({ ...cluster, controllerId: null }));
  assert.equal(leaderless.status, 'HEALTH_STATUS_DEGRADED');
  assert.equal(leaderless.controllerId, -1);
  assert.match(leaderless.detail, /no active controller/);
  const down = brokerHealth(failed('Connection error: connect ECONNREFUSED 127.0.0.1:9092'));
  assert.equal(down.status, 'HEALTH_STATUS_DOWN');
  assert.equal(down.detail, 'Kafka does not answer: Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  assert.deepEqual(down.brokers, []);
  assert.equal(brokerHealth(ok({ ...cluster, brokers: [] })).status, 'HEALTH_STATUS_DOWN');
});

test('schema registry: UP with the subjects the gateway needs, DEGRADED naming the missing ones, DOWN when it does not answer or answers something else', () => {
  const url = 'http://127.0.0.1:8081/apis/ccompat/v7';
  const expected = ['iot.alerts-key', 'iot.alerts-value'];
  assert.deepEqual(registryHealth(ok(['iot.alerts-key', 'iot.alerts-value', 'other']), url, expected), { status: 'HEALTH_STATUS_UP', detail: '3 subjects', probeMs: 12, url, subjectCount: 3, missingSubjects: [] });
  const lost = registryHealth(ok(['iot.alerts-key']), url, expected);
  assert.equal(lost.status, 'HEALTH_STATUS_DEGRADED');
  assert.deepEqual(lost.missingSubjects, ['iot.alerts-value']);
  assert.match(lost.detail, /^missing iot\.alerts-value: the registry lost its schemas/);
  const down = registryHealth(failed('GET http://127.0.0.1:8081/apis/ccompat/v7/subjects: HTTP 503'), url, expected);
  assert.equal(down.status, 'HEALTH_STATUS_DOWN');
  assert.match(down.detail, /HTTP 503/);
  assert.equal(registryHealth(ok({ error_code: 404 }), url, expected).status, 'HEALTH_STATUS_DOWN', 'not a list of subjects: the wrong URL');
});

const running = (id = 0) => ({ id, state: 'RUNNING', worker_id: '127.0.0.1:8083' });
const connectorStatus = (connector: object, tasks: object[], type = 'sink') => ({ status: { name: 'x', connector: { worker_id: '127.0.0.1:8083', ...connector }, tasks, type } });

test('Kafka Connect: a connector is UP when it and every task RUN, DOWN when one FAILED (with the first line of its trace), DEGRADED when paused, unassigned or taskless', () => {
  const url = 'http://127.0.0.1:8083';
  const trace = 'org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.\n\tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:632)\n';
  const health = connectHealth(
    ok({
      'z-source': connectorStatus({ state: 'RUNNING' }, [running()], 'source'),
      'a-sink': connectorStatus({ state: 'RUNNING' }, [running(1), { id: 0, state: 'FAILED', worker_id: '127.0.0.1:8083', trace }]),
      'm-paused': connectorStatus({ state: 'PAUSED' }, [{ id: 0, state: 'PAUSED', worker_id: '127.0.0.1:8083' }]),
    }),
    url,
  );
  assert.equal(health.status, 'HEALTH_STATUS_DOWN', 'as bad as its worst connector');
  assert.deepEqual(health.connectors.map((connector) => [connector.name, connector.status]), [['a-sink', 'HEALTH_STATUS_DOWN'], ['m-paused', 'HEALTH_STATUS_DEGRADED'], ['z-source', 'HEALTH_STATUS_UP']]);
  const [failedSink, paused, source] = health.connectors;
  assert.deepEqual(failedSink!.tasks.map((task) => [task.id, task.state, task.trace]), [
    [0, 'CONNECTOR_STATE_FAILED', 'org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.'],
    [1, 'CONNECTOR_STATE_RUNNING', ''],
  ]);
  assert.equal(failedSink!.state, 'CONNECTOR_STATE_RUNNING');
  assert.match(failedSink!.detail, /^task 0 FAILED: org\.apache\.kafka\.connect\.errors\.ConnectException: Exiting WorkerSinkTask/);
  assert.equal(paused!.detail, 'connector PAUSED: it moves no data');
  assert.deepEqual({ type: source!.type, detail: source!.detail, worker: source!.workerId }, { type: 'source', detail: 'RUNNING, 1 task RUNNING', worker: '127.0.0.1:8083' });
  assert.match(health.detail, /^a-sink: task 0 FAILED: .*; m-paused: connector PAUSED/);

  const failedConnector = connectHealth(ok({ s: connectorStatus({ state: 'FAILED', trace: 'java.lang.IllegalStateException: no slot\n\tat x' }, []) }), url).connectors[0]!;
  assert.deepEqual([failedConnector.status, failedConnector.state, failedConnector.trace], ['HEALTH_STATUS_DOWN', 'CONNECTOR_STATE_FAILED', 'java.lang.IllegalStateException: no slot']);

  const taskless = connectHealth(ok({ s: connectorStatus({ state: 'RUNNING' }, []) }), url);
  assert.deepEqual([taskless.status, taskless.connectors[0]!.detail], ['HEALTH_STATUS_DEGRADED', 'RUNNING with no task: it moves no data']);
  const restarting = connectHealth(ok({ s: connectorStatus({ state: 'RUNNING' }, [running(0), { id: 1, state: 'UNASSIGNED' }]) }), url);
  assert.deepEqual([restarting.status, restarting.connectors[0]!.detail], ['HEALTH_STATUS_DEGRADED', 'task 1 UNASSIGNED']);
  const unknownState = connectHealth(ok({ s: connectorStatus({ state: 'SLEEPING' }, [running()]) }), url).connectors[0]!;
  assert.deepEqual([unknownState.state, unknownState.status, unknownState.detail], ['CONNECTOR_STATE_UNSPECIFIED', 'HEALTH_STATUS_DEGRADED', 'connector SLEEPING: it moves no data']);

  assert.deepEqual(connectHealth(ok({ s: connectorStatus({ state: 'RUNNING' }, [running()]) }), url).detail, '1 connector RUNNING');
  assert.equal(connectHealth(ok({}), url).status, 'HEALTH_STATUS_DEGRADED', 'no connectors: nothing reaches Postgres');
  const down = connectHealth(failed('GET http://127.0.0.1:1/connectors?expand=status: ECONNREFUSED'), 'http://127.0.0.1:1');
  assert.deepEqual([down.status, down.detail, down.url], ['HEALTH_STATUS_DOWN', 'Kafka Connect does not answer: GET http://127.0.0.1:1/connectors?expand=status: ECONNREFUSED', 'http://127.0.0.1:1']);
  assert.equal(connectHealth(ok(['not', 'statuses']), url).status, 'HEALTH_STATUS_DOWN');
});

test('lag per partition: end minus committed, from the first offset when nothing is committed, never negative', () => {
  const lag = groupLag(offsets({ readings: [90, 100], acks: [5] }), offsets({ readings: [0, 0], acks: [3], fresh: [40] }), offsets({ readings: [100, 95], acks: [5], fresh: [50] }));
  assert.deepEqual(lag, [
    { topic: 'acks', lag: 0, partitions: [{ partition: 0, committedOffset: 5, endOffset: 5, lag: 0 }] },
    { topic: 'fresh', lag: 10, partitions: [{ partition: 0, committedOffset: -1, endOffset: 50, lag: 10 }] },
    { topic: 'readings', lag: 10, partitions: [{ partition: 0, committedOffset: 90, endOffset: 100, lag: 10 }, { partition: 1, committedOffset: 100, endOffset: 95, lag: 0 }] },
  ]);
});

test('throughput: committed and end offset deltas between the oldest sample in the window and the newest, per second; none from a single sample', () => {
  assert.equal(offsetRates([], 30_000), undefined);
  assert.equal(offsetRates([sample(1000, { r: [0] }, { r: [0] })], 30_000), undefined);
  const samples = [
    sample(0, { r: [0, 0] }, { r: [0, 0] }), // outside the 30 s window of the newest
    sample(10_000, { r: [100, 50] }, { r: [120, 60] }),
    sample(20_000, { r: [300, 100] }, { r: [330, 110] }),
    sample(30_000, { r: [500, 150], late: [7] }, { r: [520, 160], late: [9] }),
  ];
  const rates = offsetRates(samples, 25_000)!;
  // From 10 s to 30 s: committed +400 and +100, ends +400 and +100; `late` has no older commit.
  assert.deepEqual(rates, { consumedPerSecond: 25, producedPerSecond: 25, spanMs: 20_000 });
  const backwards = offsetRates([sample(0, { r: [500] }, { r: [500] }), sample(10_000, { r: [20] }, { r: [30] })], 30_000)!;
  assert.deepEqual(backwards, { consumedPerSecond: 0, producedPerSecond: 0, spanMs: 10_000 }, 'a recreated topic counts 0, not a negative rate');
});

test('stalled: records waiting at the oldest sample and no commit since, over at least 10 s; a group working through its lag is not stalled', () => {
  const stuck = [sample(0, { r: [100, 50] }, { r: [180, 50] }), sample(15_000, { r: [100, 50] }, { r: [260, 70] })];
  assert.deepEqual(stalledPartitions(stuck, 30_000), [{ topic: 'r', partition: 0, waiting: 80, forMs: 15_000 }], 'partition 1 had nothing waiting then');
  assert.deepEqual(stalledPartitions([stuck[0]!, sample(5_000, { r: [100, 50] }, { r: [200, 60] })], 30_000), [], 'too short a span to tell');
  assert.deepEqual(stalledPartitions([stuck[0]!, sample(15_000, { r: [101, 50] }, { r: [260, 70] })], 30_000), [], 'it committed: slow, not stalled');
});

const member = (memberId: string, topics: string[]) => ({ memberId, clientId: 'iot-stream-processor', clientHost: '/127.0.0.1', assignment: new Map(topics.map((topic) => [topic, [2, 0]])), subscription: topics });
const group = (fields: Partial<GroupView> = {}): GroupView => ({
  state: 'Stable',
  members: [member('b', ['readings']), member('a', ['readings'])],
  committed: offsets({ readings: [90, 100] }),
  starts: offsets({ readings: [0, 0] }),
  ends: offsets({ readings: [100, 100] }),
  ...fields,
});
const limits = { groupId: 'iot-stream-processor', maxLagRecords: 1000, rateWindowMs: 30_000 };
const flowing = [sample(0, { readings: [0, 0] }, { readings: [10, 0] }), sample(20_000, { readings: [80, 100] }, { readings: [90, 100] })];

test('stream processor: UP when Stable with members and a small lag, with state, members (sorted), lag per topic and rates', () => {
  const health = processorHealth(ok(group(), 30), flowing, limits);
  assert.equal(health.status, 'HEALTH_STATUS_UP');
  assert.equal(health.detail, 'Stable, 2 members, lag 10 records, 9.0 records/s consumed (9.0/s produced)');
  assert.equal(health.groupState, 'CONSUMER_GROUP_STATE_STABLE');
  assert.deepEqual(health.members.map((m) => [m.memberId, m.assignment]), [['a', [{ topic: 'readings', partitions: [0, 2] }]], ['b', [{ topic: 'readings', partitions: [0, 2] }]]]);
  assert.equal(health.totalLag, 10);
  assert.deepEqual(health.lagByTopic.map((topic) => [topic.topic, topic.lag]), [['readings', 10]]);
  assert.deepEqual([health.consumedRecordsPerSecond, health.producedRecordsPerSecond, health.rateWindowMs, health.probeMs], [9, 9, 20_000, 30]);
  const noRates = processorHealth(ok(group()), [], limits);
  assert.equal('consumedRecordsPerSecond' in noRates, false, 'unset until two samples exist');
  assert.equal(noRates.rateWindowMs, 0);
  assert.equal(noRates.status, 'HEALTH_STATUS_UP');
});

test('stream processor: DOWN with no member or no group or no answer; DEGRADED when rebalancing, above the lag limit, or stalled', () => {
  const cases: Array<[Outcome<GroupView>, readonly OffsetSample[], string, RegExp]> = [
    [failed('no answer within 1500 ms'), flowing, 'HEALTH_STATUS_DOWN', /^cannot describe consumer group iot-stream-processor: no answer within 1500 ms$/],
    [ok(group({ state: 'Empty', members: [] })), flowing, 'HEALTH_STATUS_DOWN', /has no member: the stream processor is not running \(lag 10 records waiting\)/],
    [ok(group({ state: 'Dead', members: [], committed: new Map() })), [], 'HEALTH_STATUS_DOWN', /does not exist/],
    [ok(group({ state: 'PreparingRebalance' })), flowing, 'HEALTH_STATUS_DEGRADED', /^rebalancing \(PreparingRebalance\): nothing is consumed until it ends/],
    [ok(group({ ends: offsets({ readings: [5000, 100] }) })), flowing, 'HEALTH_STATUS_DEGRADED', /^lag 4,910 records, above the limit of 1,000/],
    [ok(group()), [sample(0, { readings: [90, 100] }, { readings: [100, 100] }), sample(20_000, { readings: [90, 100] }, { readings: [100, 100] })], 'HEALTH_STATUS_DEGRADED', /^stalled: no commit for 20 s with records waiting on readings\[0\] \(10 records\)/],
  ];
  for (const [outcome, samples, status, detail] of cases) {
    const health = processorHealth(outcome, samples, limits);
    assert.equal(health.status, status, health.detail);
    assert.match(health.detail, detail);
  }
  assert.equal(processorHealth(ok(group({ state: 'Empty', members: [] })), [], limits).groupState, 'CONSUMER_GROUP_STATE_EMPTY');
});

test('the group probe reads the end offsets of every topic the members subscribe to or the group has committed', async () => {
  const asked: string[][] = [];
  const kafka = fakeKafka({
    describeGroup: async () => ({ state: 'Stable', members: [member('a', ['readings', 'acks'])] }),
    committedOffsets: async () => offsets({ readings: [1], old: [3] }),
    offsetRanges: async (topics) => {
      asked.push([...topics]);
      return { starts: offsets({}), ends: offsets(Object.fromEntries(topics.map((topic) => [topic, [5]]))) };
    },
  });
  const view = await probeGroup(kafka, 'g');
  assert.deepEqual(asked, [['acks', 'old', 'readings']]);
  assert.deepEqual(groupLag(view.committed, view.starts, view.ends).map((topic) => [topic.topic, topic.lag]), [['acks', 5], ['old', 2], ['readings', 4]]);
});

const feed = (fields: Partial<FeedView> = {}): FeedView => ({ stream: 'StreamReadings', topic: 'iot.sensor-readings', subscribers: 3, loaded: true, positions: new Map([[0, 100], [1, 50]]), ...fields });
const ends = (...list: number[]) => new Map(list.map((offset, partition) => [partition, offset]));

test('a gateway feed is caught up at the end now, or past where the topic ended at an earlier sample; DEGRADED while loading or falling behind', () => {
  assert.equal(recordsBehind(new Map([[0, 100]]), ends(110, 7)), 17, 'a partition never read counts from 0');
  const atEnd = feedHealth(feed(), ends(100, 50), undefined);
  assert.deepEqual([atEnd.status, atEnd.caughtUp, atEnd.recordsBehind], ['HEALTH_STATUS_UP', true, 0]);
  const busy = feedHealth(feed(), ends(130, 60), { ends: ends(100, 48), ageMs: 4000 });
  assert.deepEqual([busy.status, busy.caughtUp, busy.recordsBehind], ['HEALTH_STATUS_UP', true, 40], 'behind the end now, but it read everything there was 4 s ago');
  const falling = feedHealth(feed(), ends(5000, 60), { ends: ends(3000, 55), ageMs: 4000 });
  assert.deepEqual([falling.status, falling.caughtUp, falling.recordsBehind], ['HEALTH_STATUS_DEGRADED', false, 4910]);
  assert.equal(falling.detail, 'StreamReadings: 4,910 records behind iot.sensor-readings, short of where the topic ended 4 s ago: the gateway is falling behind');
  const loading = feedHealth(feed({ loaded: false }), ends(5000, 60), undefined);
  assert.deepEqual([loading.status, loading.caughtUp, loading.detail], ['HEALTH_STATUS_DEGRADED', false, 'StreamReadings: still loading iot.sensor-readings (4,910 records to go); its calls wait until then']);
  const blind = feedHealth(feed(), undefined, undefined);
  assert.deepEqual([blind.status, 'recordsBehind' in blind], ['HEALTH_STATUS_UNKNOWN', false]);

  const gateway = gatewayHealth([atEnd, falling], 1_000, 61_000);
  assert.deepEqual([gateway.status, gateway.uptimeMs, gateway.startedAtMs, gateway.detail], ['HEALTH_STATUS_DEGRADED', 60_000, 1_000, falling.detail]);
  assert.equal('status' in gateway.feeds[0]!, false, 'feeds carry no status of their own on the wire');
  assert.equal(gatewayHealth([atEnd], 1_000, 61_000).detail, 'up 1 min, every feed caught up; subscribers: StreamReadings 3');
});

test('topic freshness: UP while records keep coming, DEGRADED when quiet or empty, never judged for topics written on change, UNKNOWN when not watched', () => {
  const now = 1_000_000;
  const recency = (newest: number | undefined) => ({ topic: 't', newestTimestampMs: newest, lastReceivedAtMs: newest === undefined ? undefined : newest + 5 });
  assert.deepEqual(topicFreshness({ topic: 't', staleAfterMs: 60_000, recency: recency(now - 2000) }, now), {
    topic: 't', status: 'HEALTH_STATUS_UP', detail: 'newest record 2 s old', newestRecordTimestampMs: now - 2000, newestRecordAgeMs: 2000, lastReceivedAtMs: now - 1995, staleAfterMs: 60_000,
  });
  const quiet = topicFreshness({ topic: 't', staleAfterMs: 60_000, recency: recency(now - 303_000) }, now);
  assert.deepEqual([quiet.status, quiet.detail], ['HEALTH_STATUS_DEGRADED', 'quiet: newest record 5 min 3 s old (expected within 1 min)']);
  const empty = topicFreshness({ topic: 't', staleAfterMs: 60_000, recency: recency(undefined) }, now);
  assert.deepEqual([empty.status, empty.newestRecordTimestampMs, 'newestRecordAgeMs' in empty], ['HEALTH_STATUS_DEGRADED', 0, false]);
  assert.equal(topicFreshness({ topic: 't', staleAfterMs: 0, recency: recency(now - 86_400_000) }, now).status, 'HEALTH_STATUS_UP');
  assert.equal(topicFreshness({ topic: 't', staleAfterMs: 0, recency: recency(undefined) }, now).status, 'HEALTH_STATUS_UP');
  const unwatched = topicFreshness({ topic: 't', staleAfterMs: 0, recency: undefined, problem: 'topic iot.devices does not exist' }, now);
  assert.deepEqual([unwatched.status, unwatched.detail], ['HEALTH_STATUS_UNKNOWN', 'not watched: topic iot.devices does not exist']);
});

// ---------------------------------------------------------------------------------------------
// The whole call, with its I/O faked

function fakeKafka(overrides: Partial<KafkaProbes> = {}): KafkaProbes & { closed: number } {
  const probes = {
    closed: 0,
    describeCluster: async () => ({ clusterId: 'c', controllerId: 1, brokers: [{ nodeId: 1, host: 'h', port: 9092 }] }),
    describeGroup: async () => ({ state: 'Stable', members: [member('a', ['iot.sensor-readings'])] }),
    committedOffsets: async () => offsets({ 'iot.sensor-readings': [100, 50] }),
    offsetRanges: async (topics: readonly string[]) => ({ starts: offsets({}), ends: offsets(Object.fromEntries(topics.map((topic) => [topic, [100, 50]]))) }),
    async close() {
      probes.closed++;
    },
    ...overrides,
  };
  return probes;
}

const connectors = { 'iot-alerts-sink': connectorStatus({ state: 'RUNNING' }, [running()]) };
function deps(fields: Partial<PipelineHealthDeps> = {}): PipelineHealthDeps {
  return {
    groupId: 'iot-stream-processor',
    registryUrl: 'http://registry/apis/ccompat/v7',
    connectUrl: 'http://connect:8083',
    probeTimeoutMs: 300,
    maxLagRecords: 1000,
    rateWindowMs: 30_000,
    startedAtMs: 1,
    expectedSubjects: ['iot.sensor-readings-value'],
    openKafka: () => fakeKafka(),
    getJson: async (url) => (url.endsWith('/subjects') ? ['iot.sensor-readings-value'] : connectors),
    samples: () => [],
    feeds: () => [feed()],
    topics: () => [{ topic: 'iot.sensor-readings', staleAfterMs: 60_000, recency: { topic: 'iot.sensor-readings', newestTimestampMs: Date.now() - 100, lastReceivedAtMs: Date.now() } }],
    ...fields,
  };
}

test('the whole check: every part UP, checked_at_ms, the Kafka connection closed afterwards', async () => {
  const kafka = fakeKafka();
  const before = Date.now();
  const health = await checkPipelineHealth(deps({ openKafka: () => kafka }));
  assert.equal(health.status, 'HEALTH_STATUS_UP', health.detail);
  assert.equal(health.detail, 'all parts UP');
  assert.ok(health.checkedAtMs >= before && health.checkedAtMs <= Date.now());
  assert.deepEqual([health.broker?.status, health.schemaRegistry?.status, health.kafkaConnect?.status, health.streamProcessor?.status, health.gateway?.status], Array(5).fill('HEALTH_STATUS_UP'));
  assert.equal(health.kafkaConnect?.connectors[0]?.name, 'iot-alerts-sink');
  assert.equal(health.topics[0]?.topic, 'iot.sensor-readings');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(kafka.closed, 1);
});

test('a probe that hangs or fails is that part DOWN with the reason; the call still answers within the probe timeout', async () => {
  const hang = () => new Promise<never>(() => undefined);
  const started = Date.now();
  const health = await checkPipelineHealth(
    deps({
      openKafka: () => fakeKafka({ describeCluster: hang, describeGroup: hang, committedOffsets: hang, offsetRanges: hang }),
      getJson: async (url) => {
        if (url.includes('/connectors')) throw new Error(`GET ${url}: ECONNREFUSED`);
        return ['iot.sensor-readings-value'];
      },
    }),
  );
  assert.ok(Date.now() - started < 1000, `answered in ${Date.now() - started} ms`);
  assert.equal(health.status, 'HEALTH_STATUS_DOWN');
  assert.deepEqual([health.broker?.status, health.broker?.detail], ['HEALTH_STATUS_DOWN', 'Kafka does not answer: no answer within 300 ms']);
  assert.equal(health.streamProcessor?.status, 'HEALTH_STATUS_DOWN');
  assert.deepEqual([health.kafkaConnect?.status, health.kafkaConnect?.detail], ['HEALTH_STATUS_DOWN', 'Kafka Connect does not answer: GET http://connect:8083/connectors?expand=status: ECONNREFUSED']);
  assert.equal(health.schemaRegistry?.status, 'HEALTH_STATUS_UP', 'the other parts are still judged');
  assert.equal(health.gateway?.status, 'HEALTH_STATUS_UNKNOWN', 'no end offsets, no sample: the feeds cannot be judged');
  assert.match(health.detail, /^DOWN: broker \(Kafka does not answer: no answer within 300 ms\), kafka_connect \(.*ECONNREFUSED\), stream_processor \(/);
});

interface Answer {
  error: Partial<grpc.StatusObject> | null;
  value: GetPipelineHealthResponse | null | undefined;
}
function invoke(handlerDeps: PipelineHealthDeps, deadline: grpc.Deadline = Infinity): Promise<Answer> {
  const handler = getPipelineHealthHandler({ ...handlerDeps, logger: silentLogger });
  return new Promise((resolve) => {
    const call = { request: {} as GetPipelineHealthRequest__Output, getDeadline: () => deadline, metadata: new grpc.Metadata() } as unknown as grpc.ServerUnaryCall<GetPipelineHealthRequest__Output, GetPipelineHealthResponse>;
    handler(call, (error, value) => resolve({ error, value }));
  });
}

test('the handler: an empty request is all it takes; a passed deadline is DEADLINE_EXCEEDED; a near deadline shortens the probes', async () => {
  const answer = await invoke(deps());
  assert.equal(answer.error, null);
  assert.equal(answer.value?.status, 'HEALTH_STATUS_UP');
  assert.equal((await invoke(deps(), Date.now() - 1)).error?.code, grpc.status.DEADLINE_EXCEEDED);

  const hang = () => new Promise<never>(() => undefined);
  const started = Date.now();
  const near = await invoke(deps({ probeTimeoutMs: 5000, openKafka: () => fakeKafka({ describeCluster: hang }) }), Date.now() + 400);
  assert.ok(Date.now() - started < 450, `answered before the deadline (${Date.now() - started} ms)`);
  assert.match(near.value?.broker?.detail ?? '', /no answer within \d{2,3} ms/);
});

test('on the wire (the real proto serializer): enums by name, unset rates and records_behind stay absent, zero counts survive', async () => {
  const method = loadPipelineProto(grpc).iot.v1.PipelineService.service.GetPipelineHealth;
  const health = await checkPipelineHealth(deps({ openKafka: () => fakeKafka({ offsetRanges: async () => Promise.reject(new Error('down')) }) }));
  const decoded = method.responseDeserialize(method.responseSerialize(health));
  assert.equal(decoded.status, health.status);
  assert.equal(decoded.streamProcessor?.groupState, 'CONSUMER_GROUP_STATE_UNSPECIFIED');
  assert.equal(decoded.streamProcessor?.consumedRecordsPerSecond, undefined);
  assert.equal(decoded.gateway?.feeds[0]?.recordsBehind, undefined);
  assert.equal(decoded.gateway?.feeds[0]?.subscribers, 3);
  assert.equal(decoded.kafkaConnect?.connectors[0]?.tasks[0]?.state, 'CONNECTOR_STATE_RUNNING');
  assert.equal(decoded.topics[0]?.newestRecordAgeMs, health.topics[0]?.newestRecordAgeMs);
  assert.equal(decoded.checkedAtMs, health.checkedAtMs);
});
