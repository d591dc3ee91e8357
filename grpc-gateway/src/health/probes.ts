import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import type { GroupMemberView, KafkaProbes, Offsets } from '../unary/pipeline-health.ts';

/**
 * The I/O behind GetPipelineHealth and the offset sampler: a Kafka client made for probing
 * (short timeouts, no retries: a probe answers "down" quickly instead of retrying for a minute)
 * and a JSON GET with a timeout.
 */

/** A Kafka client for probes only; its connection errors are the probes' answers, not log lines. */
export function createProbeKafka(brokers: readonly string[], timeoutMs: number): Kafka {
  return new Kafka({
    clientId: 'iot-grpc-gateway-health',
    brokers: [...brokers],
    connectionTimeout: Math.min(1000, timeoutMs),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
}

/** Decodes a member's assignment and subscription; a member of another protocol gives empty ones. */
function memberView(member: { memberId: string; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer }): GroupMemberView {
  let assignment = new Map<string, number[]>();
  let subscription: string[] = [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    if (decoded) assignment = new Map(Object.entries(decoded.assignment));
  } catch {
    // Not the standard consumer protocol's encoding: shown without an assignment.
  }
  try {
    subscription = AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ?? [];
  } catch {
    // Likewise.
  }
  return { memberId: member.memberId, clientId: member.clientId, clientHost: member.clientHost, assignment, subscription };
}

/** Kafka probes over one admin connection, opened now and shared by the probes of one call. */
export function openKafkaProbes(kafka: Kafka): KafkaProbes {
  const admin: Admin = kafka.admin();
  // The metadata request fills the client's broker list: with no retries, group and offset
  // requests sent before it would fail with "No brokers in the broker pool". It is also the
  // broker probe's answer.
  const connected = admin.connect().then(() => admin.describeCluster());
  connected.catch(() => undefined); // the probes report it; this only keeps it from being unhandled
  const ready = async () => {
    await connected;
    return admin;
  };
  return {
    async describeCluster() {
      const { clusterId, controller, brokers } = await connected;
      return { clusterId, controllerId: controller, brokers: brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })) };
    },
    async describeGroup(groupId) {
      const { groups } = await (await ready()).describeGroups([groupId]);
      const group = groups.find((candidate) => candidate.groupId === groupId);
      if (!group) throw new Error(`the coordinator did not describe group ${groupId}`);
      return { state: group.state, members: group.members.map(memberView) };
    },
    async committedOffsets(groupId) {
      // No topics: every topic the group has committed offsets for.
      const topics = await (await ready()).fetchOffsets({ groupId });
      const committed = new Map<string, Map<number, number>>();
      for (const { topic, partitions } of topics) {
        const byPartition = new Map(partitions.filter(({ offset }) => Number(offset) >= 0).map(({ partition, offset }) => [partition, Number(offset)]));
        if (byPartition.size > 0) committed.set(topic, byPartition);
      }
      return committed;
    },
    async offsetRanges(topics) {
      const client = await ready();
      const ranges = await Promise.all(topics.map(async (topic) => [topic, await client.fetchTopicOffsets(topic)] as const));
      const starts: Offsets = new Map(ranges.map(([topic, partitions]) => [topic, new Map(partitions.map(({ partition, low }) => [partition, Number(low)]))]));
      const ends: Offsets = new Map(ranges.map(([topic, partitions]) => [topic, new Map(partitions.map(({ partition, high }) => [partition, Number(high)]))]));
      return { starts, ends };
    },
    async close() {
      await connected.catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** GETs a URL and parses its JSON body; an HTTP error throws with its status and the start of the body. */
export async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is in its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new Error(`GET ${url}: ${why}`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}${text ? ` ${text.slice(0, 200).replace(/\s+/g, ' ')}` : ''}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`GET ${url}: the body is not JSON`);
  }
}
