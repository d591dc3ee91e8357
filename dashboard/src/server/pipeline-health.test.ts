import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GetPipelineHealthResponse__Output } from '@iot/contracts/grpc';
import { toPipelineHealthResult } from '../lib/pipeline-health.ts';
import { healthLevel, toPipelineHealthView } from './pipeline-health.ts';

const response: GetPipelineHealthResponse__Output = {
  status: 'HEALTH_STATUS_DEGRADED',
  detail: 'DEGRADED: kafka_connect (sink: connector PAUSED)',
  checkedAtMs: 1_000,
  broker: { status: 'HEALTH_STATUS_UP', detail: '1 broker', probeMs: 3, clusterId: 'c', controllerId: 1, brokers: [{ nodeId: 1, host: 'h', port: 9092 }] },
  schemaRegistry: null,
  kafkaConnect: {
    status: 'HEALTH_STATUS_DEGRADED', detail: 'sink PAUSED', probeMs: 4, url: 'http://c',
    connectors: [{ name: 'sink', type: 'sink', status: 'HEALTH_STATUS_DEGRADED', detail: 'connector PAUSED', state: 'CONNECTOR_STATE_PAUSED', workerId: 'w', trace: '', tasks: [{ id: 0, state: 'CONNECTOR_STATE_PAUSED', workerId: 'w', trace: '' }] }],
  },
  streamProcessor: {
    status: 'HEALTH_STATUS_UP', detail: 'Stable', probeMs: 5, groupId: 'g', groupState: 'CONSUMER_GROUP_STATE_STABLE',
    members: [{ memberId: 'm', clientId: 'c', clientHost: '/h', assignment: [{ topic: 'a', partitions: [0, 1] }, { topic: 'b', partitions: [2] }] }],
    totalLag: 7, lagByTopic: [{ topic: 'a', lag: 7, partitions: [{ partition: 0, committedOffset: 1, endOffset: 8, lag: 7 }] }],
    rateWindowMs: 25_000, consumedRecordsPerSecond: 14.5,
  },
  gateway: { status: 'HEALTH_STATUS_UP', detail: 'up', startedAtMs: 1, uptimeMs: 999, feeds: [{ stream: 'StreamAlerts', topic: 'iot.alerts', subscribers: 2, loaded: true, caughtUp: true }] },
  topics: [{ topic: 'iot.alerts', status: 'HEALTH_STATUS_UNKNOWN', detail: 'not watched', newestRecordTimestampMs: 0, lastReceivedAtMs: 0, staleAfterMs: 0 }],
};

test('the health answer as the page JSON: enum names without prefixes, unset optionals null, assignments counted', () => {
  const view = toPipelineHealthView(response);
  assert.equal(view.status, 'DEGRADED');
  assert.equal(view.schemaRegistry, null);
  assert.deepEqual(view.kafkaConnect?.connectors[0], { name: 'sink', type: 'sink', status: 'DEGRADED', detail: 'connector PAUSED', state: 'PAUSED', workerId: 'w', trace: '', tasks: [{ id: 0, state: 'PAUSED', workerId: 'w', trace: '' }] });
  assert.equal(view.streamProcessor?.groupState, 'STABLE');
  assert.deepEqual(view.streamProcessor?.members, [{ memberId: 'm', clientId: 'c', clientHost: '/h', partitions: 3 }]);
  assert.deepEqual(view.streamProcessor?.lagByTopic, [{ topic: 'a', lag: 7, partitions: 1 }]);
  assert.equal(view.streamProcessor?.consumedPerSecond, 14.5);
  assert.equal(view.streamProcessor?.producedPerSecond, null);
  assert.equal(view.gateway?.feeds[0]?.recordsBehind, null);
  assert.deepEqual(view.topics[0], { topic: 'iot.alerts', status: 'UNKNOWN', detail: 'not watched', newestRecordTimestampMs: 0, newestRecordAgeMs: null, staleAfterMs: 0 });
  assert.equal(healthLevel('HEALTH_STATUS_UNSPECIFIED'), 'UNKNOWN');
});

test('the route body is read back as a result, anything else as null', () => {
  const health = toPipelineHealthView(response);
  assert.deepEqual(toPipelineHealthResult(JSON.parse(JSON.stringify({ ok: true, health }))), { ok: true, health });
  assert.deepEqual(toPipelineHealthResult({ ok: false, message: 'UNAVAILABLE: down', atMs: 5 }), { ok: false, message: 'UNAVAILABLE: down', atMs: 5 });
  assert.equal(toPipelineHealthResult('<html>'), null);
  assert.equal(toPipelineHealthResult({ ok: true, health: { status: 'UP' } }), null);
  assert.equal(toPipelineHealthResult({ ok: false, message: 'x' }), null);
});
