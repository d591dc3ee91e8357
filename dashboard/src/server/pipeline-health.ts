import type { GetPipelineHealthResponse__Output } from '@iot/contracts/grpc';
import type { HealthLevel, PipelineHealthResult, PipelineHealthView } from '../lib/pipeline-health.ts';
import { describeGrpcError } from './grpc-errors.ts';
import { getPipelineHealth } from './pipeline.gateway.ts';

/** GetPipelineHealth's answer as the page's JSON (pure). */

const withoutPrefix = (value: string, prefix: string): string => (value.startsWith(prefix) ? value.slice(prefix.length) : value);

export function healthLevel(status: string): HealthLevel {
  const level = withoutPrefix(status, 'HEALTH_STATUS_');
  return level === 'UP' || level === 'DEGRADED' || level === 'DOWN' ? level : 'UNKNOWN';
}

const connectorState = (state: string) => withoutPrefix(state, 'CONNECTOR_STATE_');

export function toPipelineHealthView(response: GetPipelineHealthResponse__Output): PipelineHealthView {
  const { broker, schemaRegistry: registry, kafkaConnect: connect, streamProcessor: processor, gateway } = response;
  return {
    status: healthLevel(response.status),
    detail: response.detail,
    checkedAtMs: response.checkedAtMs,
    broker: broker && {
      status: healthLevel(broker.status),
      detail: broker.detail,
      probeMs: broker.probeMs,
      clusterId: broker.clusterId,
      controllerId: broker.controllerId,
      brokers: broker.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
    },
    schemaRegistry: registry && {
      status: healthLevel(registry.status),
      detail: registry.detail,
      probeMs: registry.probeMs,
      url: registry.url,
      subjectCount: registry.subjectCount,
      missingSubjects: [...registry.missingSubjects],
    },
    kafkaConnect: connect && {
      status: healthLevel(connect.status),
      detail: connect.detail,
      probeMs: connect.probeMs,
      url: connect.url,
      connectors: connect.connectors.map((connector) => ({
        name: connector.name,
        type: connector.type,
        status: healthLevel(connector.status),
        detail: connector.detail,
        state: connectorState(connector.state),
        workerId: connector.workerId,
        trace: connector.trace,
        tasks: connector.tasks.map((task) => ({ id: task.id, state: connectorState(task.state), workerId: task.workerId, trace: task.trace })),
      })),
    },
    streamProcessor: processor && {
      status: healthLevel(processor.status),
      detail: processor.detail,
      probeMs: processor.probeMs,
      groupId: processor.groupId,
      groupState: withoutPrefix(processor.groupState, 'CONSUMER_GROUP_STATE_'),
      members: processor.members.map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        partitions: member.assignment.reduce((sum, topic) => sum + topic.partitions.length, 0),
      })),
      totalLag: processor.totalLag,
      lagByTopic: processor.lagByTopic.map((topic) => ({ topic: topic.topic, lag: topic.lag, partitions: topic.partitions.length })),
      consumedPerSecond: processor.consumedRecordsPerSecond ?? null,
      producedPerSecond: processor.producedRecordsPerSecond ?? null,
      rateWindowMs: processor.rateWindowMs,
    },
    gateway: gateway && {
      status: healthLevel(gateway.status),
      detail: gateway.detail,
      startedAtMs: gateway.startedAtMs,
      uptimeMs: gateway.uptimeMs,
      feeds: gateway.feeds.map((feed) => ({
        stream: feed.stream,
        topic: feed.topic,
        subscribers: feed.subscribers,
        loaded: feed.loaded,
        caughtUp: feed.caughtUp,
        recordsBehind: feed.recordsBehind ?? null,
      })),
    },
    topics: response.topics.map((topic) => ({
      topic: topic.topic,
      status: healthLevel(topic.status),
      detail: topic.detail,
      newestRecordTimestampMs: topic.newestRecordTimestampMs,
      newestRecordAgeMs: topic.newestRecordAgeMs ?? null,
      staleAfterMs: topic.staleAfterMs,
    })),
  };
}

/** Asks the gateway (within `timeoutMs`); when it cannot answer, says why: then the gateway itself is the part that is down. */
export async function pipelineHealth(timeoutMs = 4_000): Promise<PipelineHealthResult> {
  try {
    return { ok: true, health: toPipelineHealthView(await getPipelineHealth(timeoutMs)) };
  } catch (error) {
    return { ok: false, message: describeGrpcError(error).message, atMs: Date.now() };
  }
}
