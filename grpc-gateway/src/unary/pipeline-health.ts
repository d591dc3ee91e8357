import type {
  BrokerHealth__Output as BrokerHealth,
  ConnectorHealth__Output as ConnectorHealth,
  ConnectorState__Output as ConnectorState,
  ConnectorTaskHealth__Output as ConnectorTaskHealth,
  ConsumerGroupMember__Output as ConsumerGroupMember,
  ConsumerGroupState__Output as ConsumerGroupState,
  GatewayFeed__Output as GatewayFeed,
  GatewayHealth__Output as GatewayHealth,
  GetPipelineHealthRequest__Output,
  GetPipelineHealthResponse__Output as GetPipelineHealthResponse,
  HealthStatus__Output as HealthStatus,
  KafkaConnectHealth__Output as KafkaConnectHealth,
  PipelineServiceHandlers,
  SchemaRegistryHealth__Output as SchemaRegistryHealth,
  StreamProcessorHealth__Output as StreamProcessorHealth,
  TopicFreshness__Output as TopicFreshness,
  TopicLag__Output as TopicLag,
} from '@iot/contracts/grpc';
import type { Logger } from '@iot/runtime';
import { z } from 'zod';
import { remainingMs, unaryHandler } from '../grpc-errors.ts';
import type { RecencyView } from '../topic-recency.ts';

/**
 * GetPipelineHealth: each part of the pipeline probed in parallel, each probe bounded by a short
 * timeout, a failed probe being that part's DOWN with the reason (never an error of the call).
 * The decisions (what is UP, DEGRADED, DOWN; lag; rates) are the pure functions below; the I/O
 * comes in through PipelineHealthDeps.
 */

const UP = 'HEALTH_STATUS_UP';
const DEGRADED = 'HEALTH_STATUS_DEGRADED';
const DOWN = 'HEALTH_STATUS_DOWN';
const UNKNOWN = 'HEALTH_STATUS_UNKNOWN';

/** Offsets per topic, then per partition. */
export type Offsets = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** What a probe gave: its value, or why not (an error or no answer in time), and how long it took. */
export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; reason: string; ms: number };

// ---------------------------------------------------------------------------------------------
// Shared helpers

const SEVERITY: Record<HealthStatus, number> = { HEALTH_STATUS_UP: 0, HEALTH_STATUS_UNSPECIFIED: 1, HEALTH_STATUS_UNKNOWN: 1, HEALTH_STATUS_DEGRADED: 2, HEALTH_STATUS_DOWN: 3 };

/** The most severe of the statuses (DOWN, DEGRADED, UNKNOWN, UP); UP for none. */
export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = UP;
  for (const status of statuses) if (SEVERITY[status] > SEVERITY[worst]) worst = status === 'HEALTH_STATUS_UNSPECIFIED' ? UNKNOWN : status;
  return worst;
}

/** What went wrong, in one line: the error's message and its cause's (fetch hides ECONNREFUSED in the cause). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts = [error.message];
  for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++) {
    if (!parts.some((part) => part.includes(cause instanceof Error ? cause.message : ''))) parts.push(cause.message);
  }
  const text = parts.filter(Boolean).join(': ').replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text || error.name;
}

/**
 * Runs a probe with a timeout: never throws, never waits longer than `timeoutMs`. The probe
 * goes on in the background when it is too slow; its late result is dropped.
 */
export async function runProbe<T>(timeoutMs: number, probe: () => Promise<T>, clock: () => number = Date.now): Promise<Outcome<T>> {
  const started = clock();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms`, ms: clock() - started }), timeoutMs);
  });
  const settled = (async (): Promise<Outcome<T>> => {
    try {
      const value = await probe();
      return { ok: true, value, ms: clock() - started };
    } catch (error) {
      return { ok: false, reason: describeError(error), ms: clock() - started };
    }
  })();
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** A duration for people: "850 ms", "12 s", "5 min 3 s", "2 h 10 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------------------------------------
// Broker

export interface ClusterView {
  readonly clusterId: string;
  /** null: no active controller. */
  readonly controllerId: number | null;
  readonly brokers: ReadonlyArray<{ readonly nodeId: number; readonly host: string; readonly port: number }>;
}

/** UP when the cluster answers with brokers and an active controller. */
export function brokerHealth(outcome: Outcome<ClusterView>): BrokerHealth {
  if (!outcome.ok) return { status: DOWN, detail: `Kafka does not answer: ${outcome.reason}`, probeMs: outcome.ms, clusterId: '', controllerId: -1, brokers: [] };
  const { clusterId, controllerId, brokers } = outcome.value;
  const base = { probeMs: outcome.ms, clusterId, controllerId: controllerId ?? -1, brokers: brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })) };
  if (brokers.length === 0) return { ...base, status: DOWN, detail: 'the cluster advertises no broker' };
  if (controllerId === null) return { ...base, status: DEGRADED, detail: `${count(brokers.length, 'broker')} but no active controller: topic and group changes fail until one is elected` };
  return { ...base, status: UP, detail: `${count(brokers.length, 'broker')}, controller ${controllerId}` };
}

// ---------------------------------------------------------------------------------------------
// Schema registry

/**
 * From the body of GET /subjects: UP with every expected subject, DEGRADED when some are
 * missing, DOWN when it did not answer or answered something else than a list of subjects.
 */
export function registryHealth(outcome: Outcome<unknown>, url: string, expectedSubjects: readonly string[]): SchemaRegistryHealth {
  const base = { probeMs: outcome.ms, url, subjectCount: 0, missingSubjects: [] as string[] };
  if (!outcome.ok) return { ...base, status: DOWN, detail: `the schema registry does not answer: ${outcome.reason}` };
  const subjects = z.array(z.string()).safeParse(outcome.value);
  if (!subjects.success) return { ...base, status: DOWN, detail: 'GET /subjects did not answer with a list of subjects (is SCHEMA_REGISTRY_URL the ccompat API?)' };
  const known = new Set(subjects.data);
  const missingSubjects = expectedSubjects.filter((subject) => !known.has(subject));
  const withCount = { ...base, subjectCount: known.size, missingSubjects };
  if (missingSubjects.length > 0) {
    return { ...withCount, status: DEGRADED, detail: `missing ${missingSubjects.join(', ')}: the registry lost its schemas (records already written cannot be decoded) or nothing has written those topics yet` };
  }
  return { ...withCount, status: UP, detail: `${count(known.size, 'subject')}` };
}

// ---------------------------------------------------------------------------------------------
// Kafka Connect

const CONNECTOR_STATES: Record<string, ConnectorState> = {
  RUNNING: 'CONNECTOR_STATE_RUNNING',
  PAUSED: 'CONNECTOR_STATE_PAUSED',
  STOPPED: 'CONNECTOR_STATE_STOPPED',
  FAILED: 'CONNECTOR_STATE_FAILED',
  UNASSIGNED: 'CONNECTOR_STATE_UNASSIGNED',
  RESTARTING: 'CONNECTOR_STATE_RESTARTING',
};

const stateSchema = z.object({ state: z.string(), worker_id: z.string().optional(), trace: z.string().optional() });
const connectorStatusSchema = z.object({
  type: z.string().optional(),
  connector: stateSchema,
  tasks: z.array(stateSchema.extend({ id: z.number().int() })).default([]),
});
/** The body of GET /connectors?expand=status: name -> { status }. */
const expandedStatusSchema = z.record(z.string(), z.object({ status: connectorStatusSchema }));

/** The first line of a Java stack trace: the exception and its message. */
export function firstTraceLine(trace: string | undefined): string {
  const line = trace?.split('\n').find((candidate) => candidate.trim() !== '')?.trim() ?? '';
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

/** One connector from its expanded status: UP when it and all its tasks RUN, DOWN when one FAILED. */
export function connectorHealth(name: string, status: z.infer<typeof connectorStatusSchema>): ConnectorHealth {
  const state = (raw: string): ConnectorState => CONNECTOR_STATES[raw] ?? 'CONNECTOR_STATE_UNSPECIFIED';
  const tasks: ConnectorTaskHealth[] = [...status.tasks]
    .sort((a, b) => a.id - b.id)
    .map((task) => ({ id: task.id, state: state(task.state), workerId: task.worker_id ?? '', trace: task.state === 'FAILED' ? firstTraceLine(task.trace) : '' }));
  const own = status.connector;
  const base = { name, type: status.type ?? '', state: state(own.state), workerId: own.worker_id ?? '', trace: own.state === 'FAILED' ? firstTraceLine(own.trace) : '', tasks };
  const failedTasks = status.tasks.filter((task) => task.state === 'FAILED').sort((a, b) => a.id - b.id);
  if (own.state === 'FAILED' || failedTasks.length > 0) {
    const reasons = [
      ...(own.state === 'FAILED' ? [`connector FAILED${base.trace ? `: ${base.trace}` : ''}`] : []),
      ...failedTasks.map((task) => `task ${task.id} FAILED${task.trace ? `: ${firstTraceLine(task.trace)}` : ''}`),
    ];
    return { ...base, status: DOWN, detail: `${reasons.join('; ')} (restart it once the cause is fixed)` };
  }
  if (own.state !== 'RUNNING') return { ...base, status: DEGRADED, detail: `connector ${own.state}: it moves no data` };
  if (tasks.length === 0) return { ...base, status: DEGRADED, detail: 'RUNNING with no task: it moves no data' };
  const idle = status.tasks.filter((task) => task.state !== 'RUNNING').sort((a, b) => a.id - b.id);
  if (idle.length > 0) return { ...base, status: DEGRADED, detail: idle.map((task) => `task ${task.id} ${task.state}`).join('; ') };
  return { ...base, status: UP, detail: `RUNNING, ${count(tasks.length, 'task')} RUNNING` };
}

/** The worker from GET /connectors?expand=status: as healthy as its worst connector; DOWN when it does not answer. */
export function connectHealth(outcome: Outcome<unknown>, url: string): KafkaConnectHealth {
  const base = { probeMs: outcome.ms, url, connectors: [] as ConnectorHealth[] };
  if (!outcome.ok) return { ...base, status: DOWN, detail: `Kafka Connect does not answer: ${outcome.reason}` };
  const parsed = expandedStatusSchema.safeParse(outcome.value);
  if (!parsed.success) return { ...base, status: DOWN, detail: 'GET /connectors?expand=status did not answer with connector statuses (is CONNECT_URL the Connect REST API?)' };
  const connectors = Object.entries(parsed.data)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, { status }]) => connectorHealth(name, status));
  if (connectors.length === 0) return { ...base, status: DEGRADED, detail: 'Connect runs no connector: nothing reaches Postgres and no CDC (was the stack provisioned?)' };
  const unwell = connectors.filter((connector) => connector.status !== UP);
  if (unwell.length === 0) return { ...base, connectors, status: UP, detail: `${count(connectors.length, 'connector')} RUNNING` };
  return { ...base, connectors, status: worstStatus(unwell.map((connector) => connector.status)), detail: unwell.map((connector) => `${connector.name}: ${connector.detail}`).join('; ') };
}

// ---------------------------------------------------------------------------------------------
// Stream processor: group, lag, rates

export interface GroupMemberView {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  /** Topic -> assigned partitions (empty when the assignment could not be decoded). */
  readonly assignment: ReadonlyMap<string, readonly number[]>;
  /** Topics it subscribes to. */
  readonly subscription: readonly string[];
}

export interface GroupView {
  /** As the coordinator says: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  readonly state: string;
  readonly members: readonly GroupMemberView[];
  /** Committed offsets (partitions with a commit only). */
  readonly committed: Offsets;
  /** Offset ranges of the input topics (those subscribed to and those with commits): first and end offsets. */
  readonly starts: Offsets;
  readonly ends: Offsets;
}

/** What the offset sampler keeps, every few seconds. */
export interface OffsetSample {
  readonly atMs: number;
  /** The processor group's committed offsets (partitions with a commit only). */
  readonly committed: Offsets;
  /** End offsets of the group's input topics and of the gateway's feed topics. */
  readonly ends: Offsets;
}

const GROUP_STATES: Record<string, ConsumerGroupState> = {
  Stable: 'CONSUMER_GROUP_STATE_STABLE',
  PreparingRebalance: 'CONSUMER_GROUP_STATE_PREPARING_REBALANCE',
  CompletingRebalance: 'CONSUMER_GROUP_STATE_COMPLETING_REBALANCE',
  Empty: 'CONSUMER_GROUP_STATE_EMPTY',
  Dead: 'CONSUMER_GROUP_STATE_DEAD',
};

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Lag per topic and partition: end offset minus committed offset, never below 0. A partition
 * with no commit counts every record it holds (from its first offset: the processor reads from
 * the earliest).
 */
export function groupLag(committed: Offsets, starts: Offsets, ends: Offsets): TopicLag[] {
  return [...ends.keys()].sort(byName).map((topic) => {
    const partitions = [...ends.get(topic)!].sort(([a], [b]) => a - b).map(([partition, endOffset]) => {
      const committedOffset = committed.get(topic)?.get(partition) ?? -1;
      const readFrom = committedOffset >= 0 ? committedOffset : (starts.get(topic)?.get(partition) ?? 0);
      return { partition, committedOffset, endOffset, lag: Math.max(0, endOffset - readFrom) };
    });
    return { topic, lag: partitions.reduce((sum, partition) => sum + partition.lag, 0), partitions };
  });
}

/** Sum of positive per-partition increases from `older` to `newer`, over `topics` (partitions in both only). */
function advanced(older: Offsets, newer: Offsets, topics: Iterable<string>): number {
  let total = 0;
  for (const topic of topics) {
    const before = older.get(topic);
    for (const [partition, offset] of newer.get(topic) ?? []) {
      const was = before?.get(partition);
      if (was !== undefined && was >= 0 && offset > was) total += offset - was;
    }
  }
  return total;
}

/** The samples the rates are computed over: the newest and the oldest at most `windowMs` before it. */
function rateSpan(samples: readonly OffsetSample[], windowMs: number): { oldest: OffsetSample; newest: OffsetSample } | undefined {
  const newest = samples.at(-1);
  if (!newest) return undefined;
  const oldest = samples.find((sample) => sample.atMs >= newest.atMs - windowMs);
  if (!oldest || oldest.atMs >= newest.atMs) return undefined;
  return { oldest, newest };
}

export interface OffsetRates {
  /** Records per second the group committed on its input topics. */
  readonly consumedPerSecond: number;
  /** Records per second written to those topics. */
  readonly producedPerSecond: number;
  readonly spanMs: number;
}

/**
 * Throughput from committed-offset deltas (consumed) and end-offset deltas (produced) between
 * the oldest sample in the window and the newest, on the topics the group commits; undefined
 * until two samples exist. A partition that moved backwards (recreated topic) counts 0.
 */
export function offsetRates(samples: readonly OffsetSample[], windowMs: number): OffsetRates | undefined {
  const span = rateSpan(samples, windowMs);
  if (!span) return undefined;
  const { oldest, newest } = span;
  const seconds = (newest.atMs - oldest.atMs) / 1000;
  const inputs = [...newest.committed.keys()];
  return {
    consumedPerSecond: advanced(oldest.committed, newest.committed, inputs) / seconds,
    producedPerSecond: advanced(oldest.ends, newest.ends, inputs) / seconds,
    spanMs: newest.atMs - oldest.atMs,
  };
}

/** A span shorter than this cannot tell a stalled group from one between two commits. */
export const MIN_STALL_SPAN_MS = 10_000;

export interface StalledPartition {
  readonly topic: string;
  readonly partition: number;
  /** Records that were waiting at the oldest sample and are still not committed. */
  readonly waiting: number;
  readonly forMs: number;
}

/**
 * Partitions where records were waiting at the oldest sample of the window and the group has
 * committed nothing since: a stalled processor (a hung task, a poison record, a stuck
 * transaction), as opposed to a lag it is working through.
 */
export function stalledPartitions(samples: readonly OffsetSample[], windowMs: number): StalledPartition[] {
  const span = rateSpan(samples, windowMs);
  if (!span || span.newest.atMs - span.oldest.atMs < MIN_STALL_SPAN_MS) return [];
  const { oldest, newest } = span;
  const stalled: StalledPartition[] = [];
  for (const [topic, partitions] of oldest.committed) {
    for (const [partition, committedThen] of partitions) {
      const end = oldest.ends.get(topic)?.get(partition);
      const committedNow = newest.committed.get(topic)?.get(partition);
      if (end !== undefined && end > committedThen && committedNow === committedThen) {
        stalled.push({ topic, partition, waiting: end - committedThen, forMs: newest.atMs - oldest.atMs });
      }
    }
  }
  return stalled.sort((a, b) => byName(a.topic, b.topic) || a.partition - b.partition);
}

export interface ProcessorLimits {
  readonly groupId: string;
  /** Above this lag (records, all input topics) the processor is DEGRADED. */
  readonly maxLagRecords: number;
  /** The span of samples the rates are computed over. */
  readonly rateWindowMs: number;
}

/** The stream processor from its group (now) and the offset samples (the recent past). */
export function processorHealth(outcome: Outcome<GroupView>, samples: readonly OffsetSample[], limits: ProcessorLimits): StreamProcessorHealth {
  const rates = offsetRates(samples, limits.rateWindowMs);
  const base = {
    probeMs: outcome.ms,
    groupId: limits.groupId,
    groupState: 'CONSUMER_GROUP_STATE_UNSPECIFIED' as ConsumerGroupState,
    members: [] as ConsumerGroupMember[],
    totalLag: 0,
    lagByTopic: [] as TopicLag[],
    rateWindowMs: rates?.spanMs ?? 0,
    ...(rates ? { consumedRecordsPerSecond: rates.consumedPerSecond, producedRecordsPerSecond: rates.producedPerSecond } : {}),
  };
  if (!outcome.ok) return { ...base, status: DOWN, detail: `cannot describe consumer group ${limits.groupId}: ${outcome.reason}` };
  const group = outcome.value;
  const lagByTopic = groupLag(group.committed, group.starts, group.ends);
  const totalLag = lagByTopic.reduce((sum, topic) => sum + topic.lag, 0);
  const members = [...group.members]
    .sort((a, b) => byName(a.memberId, b.memberId))
    .map((member) => ({
      memberId: member.memberId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      assignment: [...member.assignment].sort(([a], [b]) => byName(a, b)).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) })),
    }));
  const view = { ...base, groupState: GROUP_STATES[group.state] ?? base.groupState, members, totalLag, lagByTopic };
  const lagText = `lag ${count(totalLag, 'record')}`;
  const rateText = rates ? `, ${rates.consumedPerSecond.toFixed(1)} records/s consumed (${rates.producedPerSecond.toFixed(1)}/s produced)` : '';

  if (group.state === 'Dead') return { ...view, status: DOWN, detail: `consumer group ${limits.groupId} does not exist (no member, no committed offset): the stream processor has never run with this group id, or its offsets expired` };
  if (members.length === 0) return { ...view, status: DOWN, detail: `consumer group ${limits.groupId} has no member: the stream processor is not running (${lagText} waiting)` };
  if (group.state === 'PreparingRebalance' || group.state === 'CompletingRebalance') {
    return { ...view, status: DEGRADED, detail: `rebalancing (${group.state}): nothing is consumed until it ends; ${count(members.length, 'member')}, ${lagText}` };
  }
  if (!(group.state in GROUP_STATES)) return { ...view, status: DEGRADED, detail: `consumer group state ${group.state}; ${lagText}` };
  const stalled = stalledPartitions(samples, limits.rateWindowMs);
  if (stalled.length > 0) {
    const where = stalled.slice(0, 5).map((partition) => `${partition.topic}[${partition.partition}] (${count(partition.waiting, 'record')})`).join(', ');
    return { ...view, status: DEGRADED, detail: `stalled: no commit for ${formatDuration(stalled[0]!.forMs)} with records waiting on ${where}${stalled.length > 5 ? ` and ${stalled.length - 5} more` : ''}; ${lagText}` };
  }
  if (totalLag > limits.maxLagRecords) {
    return { ...view, status: DEGRADED, detail: `${lagText}, above the limit of ${limits.maxLagRecords.toLocaleString('en-US')}${rateText}` };
  }
  return { ...view, status: UP, detail: `${group.state}, ${count(members.length, 'member')}, ${lagText}${rateText}` };
}

// ---------------------------------------------------------------------------------------------
// The gateway and its feeds

export interface FeedView {
  /** The streaming method it serves, e.g. StreamReadings. */
  readonly stream: string;
  readonly topic: string;
  readonly subscribers: number;
  readonly loaded: boolean;
  /** Per partition, the next offset the feed's consumer reads. */
  readonly positions: ReadonlyMap<number, number>;
}

/** How far a feed is from the end: per-partition (end − position), never below 0, summed. */
export function recordsBehind(positions: ReadonlyMap<number, number>, ends: ReadonlyMap<number, number>): number {
  let behind = 0;
  for (const [partition, end] of ends) behind += Math.max(0, end - (positions.get(partition) ?? 0));
  return behind;
}

/** A sample counts as "earlier" for the caught-up check only when at least this old: a fresher one says little. */
export const MIN_EARLIER_SAMPLE_AGE_MS = 1000;

/** The newest sample at least MIN_EARLIER_SAMPLE_AGE_MS old: where the topics ended a few seconds ago. */
export function earlierSample(samples: readonly OffsetSample[], now: number): OffsetSample | undefined {
  for (let i = samples.length - 1; i >= 0; i--) if (samples[i]!.atMs <= now - MIN_EARLIER_SAMPLE_AGE_MS) return samples[i];
  return undefined;
}

export type FeedHealth = GatewayFeed & { status: HealthStatus; detail: string };

/**
 * One feed: loaded, and caught up when it is at the end now or has read everything the topic had
 * at an earlier sample (records keep arriving, so "at the end" alone would flap on a busy topic).
 */
export function feedHealth(feed: FeedView, endsNow: ReadonlyMap<number, number> | undefined, endsEarlier: { ends: ReadonlyMap<number, number>; ageMs: number } | undefined): FeedHealth {
  const behind = endsNow ? recordsBehind(feed.positions, endsNow) : undefined;
  const base = { stream: feed.stream, topic: feed.topic, subscribers: feed.subscribers, loaded: feed.loaded, ...(behind === undefined ? {} : { recordsBehind: behind }) };
  if (!feed.loaded) {
    const left = behind === undefined ? '' : ` (${count(behind, 'record')} to go)`;
    return { ...base, caughtUp: false, status: DEGRADED, detail: `${feed.stream}: still loading ${feed.topic}${left}; its calls wait until then` };
  }
  const keptUp = endsEarlier !== undefined && recordsBehind(feed.positions, endsEarlier.ends) === 0;
  if (behind === 0 || keptUp) return { ...base, caughtUp: true, status: UP, detail: `${feed.stream}: caught up with ${feed.topic}` };
  if (behind === undefined && endsEarlier === undefined) return { ...base, caughtUp: false, status: UNKNOWN, detail: `${feed.stream}: cannot tell how far it is behind ${feed.topic} (no end offsets)` };
  const since = endsEarlier ? `, short of where the topic ended ${formatDuration(endsEarlier.ageMs)} ago` : '';
  return { ...base, caughtUp: false, status: DEGRADED, detail: `${feed.stream}: ${behind === undefined ? 'behind' : `${count(behind, 'record')} behind`} ${feed.topic}${since}: the gateway is falling behind` };
}

/** The gateway: as healthy as its worst feed. */
export function gatewayHealth(feeds: readonly FeedHealth[], startedAtMs: number, now: number): GatewayHealth {
  const unwell = feeds.filter((feed) => feed.status !== UP);
  const subscribers = feeds.map((feed) => `${feed.stream} ${feed.subscribers}`).join(', ');
  return {
    status: worstStatus(unwell.map((feed) => feed.status)),
    detail: unwell.length > 0 ? unwell.map((feed) => feed.detail).join('; ') : `up ${formatDuration(now - startedAtMs)}, every feed caught up; subscribers: ${subscribers}`,
    startedAtMs,
    uptimeMs: now - startedAtMs,
    feeds: feeds.map(({ status: _status, detail: _detail, ...feed }) => feed),
  };
}

// ---------------------------------------------------------------------------------------------
// Topic freshness

export interface WatchedTopic {
  readonly topic: string;
  /** Quiet longer than this is DEGRADED; 0: not judged (a topic written only on change). */
  readonly staleAfterMs: number;
  /** undefined: the gateway could not watch it (`problem` says why). */
  readonly recency: RecencyView | undefined;
  readonly problem?: string;
}

/** How fresh a topic is by its newest record the gateway read. */
export function topicFreshness(watched: WatchedTopic, now: number): TopicFreshness {
  const { topic, staleAfterMs, recency } = watched;
  const newest = recency?.newestTimestampMs;
  const base = {
    topic,
    staleAfterMs,
    newestRecordTimestampMs: newest ?? 0,
    lastReceivedAtMs: recency?.lastReceivedAtMs ?? 0,
    ...(newest === undefined ? {} : { newestRecordAgeMs: Math.max(0, now - newest) }),
  };
  if (!recency) return { ...base, status: UNKNOWN, detail: `not watched: ${watched.problem ?? 'the gateway could not follow it'}` };
  const limit = staleAfterMs > 0 ? ` (expected within ${formatDuration(staleAfterMs)})` : '';
  if (newest === undefined) {
    if (staleAfterMs === 0) return { ...base, status: UP, detail: 'no record read yet; written only on change, so its age is not judged' };
    return { ...base, status: DEGRADED, detail: `no record read since the gateway started${limit}` };
  }
  const age = Math.max(0, now - newest);
  const ageText = `newest record ${formatDuration(age)} old`;
  if (staleAfterMs === 0) return { ...base, status: UP, detail: `${ageText}; written only on change, so its age is not judged` };
  if (age > staleAfterMs) return { ...base, status: DEGRADED, detail: `quiet: ${ageText}${limit}` };
  return { ...base, status: UP, detail: ageText };
}

// ---------------------------------------------------------------------------------------------
// The whole answer

/** The overall status and a line naming each part that is not UP, worst first. */
export function overallHealth(parts: ReadonlyArray<{ readonly name: string; readonly status: HealthStatus; readonly detail: string }>): { status: HealthStatus; detail: string } {
  const unwell = parts.filter((part) => part.status !== UP);
  if (unwell.length === 0) return { status: UP, detail: 'all parts UP' };
  const groups = [DOWN, DEGRADED, UNKNOWN]
    .map((status) => ({ status, names: unwell.filter((part) => worstStatus([part.status]) === status) }))
    .filter((group) => group.names.length > 0)
    .map((group) => `${group.status.replace('HEALTH_STATUS_', '')}: ${group.names.map((part) => `${part.name} (${part.detail})`).join(', ')}`);
  return { status: worstStatus(unwell.map((part) => part.status)), detail: groups.join('; ') };
}

/** Kafka probes of one call, sharing one admin connection (close() after the call). */
export interface KafkaProbes {
  describeCluster(): Promise<ClusterView>;
  /** The group's state and members, without offsets. */
  describeGroup(groupId: string): Promise<Pick<GroupView, 'state' | 'members'>>;
  /** The group's committed offsets on every topic it has committed (partitions with a commit only). */
  committedOffsets(groupId: string): Promise<Offsets>;
  /** First and end offsets (end: the last stable offset) of the topics' partitions. */
  offsetRanges(topics: readonly string[]): Promise<{ starts: Offsets; ends: Offsets }>;
  close(): Promise<void>;
}

/** The group now: describe and committed offsets, then the end offsets of every input topic. */
export async function probeGroup(kafka: KafkaProbes, groupId: string): Promise<GroupView> {
  const [described, committed] = await Promise.all([kafka.describeGroup(groupId), kafka.committedOffsets(groupId)]);
  const inputs = new Set([...committed.keys(), ...described.members.flatMap((member) => [...member.subscription, ...member.assignment.keys()])]);
  const { starts, ends } = await kafka.offsetRanges([...inputs].sort(byName));
  return { ...described, committed, starts, ends };
}

export interface PipelineHealthDeps {
  readonly groupId: string;
  readonly registryUrl: string;
  readonly connectUrl: string;
  readonly probeTimeoutMs: number;
  readonly maxLagRecords: number;
  readonly rateWindowMs: number;
  readonly startedAtMs: number;
  /** Key and value subjects of the topics the gateway decodes. */
  readonly expectedSubjects: readonly string[];
  /** A connection for this call's Kafka probes. */
  readonly openKafka: () => KafkaProbes;
  /** GET a URL's JSON body; throws on an HTTP error (with the status) or a network error. */
  readonly getJson: (url: string, timeoutMs: number) => Promise<unknown>;
  /** The offset sampler's samples, oldest first. */
  readonly samples: () => readonly OffsetSample[];
  readonly feeds: () => readonly FeedView[];
  /** The pipeline topics in the order they are answered. */
  readonly topics: () => readonly WatchedTopic[];
  readonly now?: () => number;
}

/** Runs every probe (in parallel, each within `timeoutMs`) and decides. Never throws. */
export async function checkPipelineHealth(deps: PipelineHealthDeps, timeoutMs: number = deps.probeTimeoutMs): Promise<GetPipelineHealthResponse> {
  const now = deps.now ?? Date.now;
  const checkedAtMs = now();
  // Recency is read now, so that ages are relative to checked_at_ms; feed positions are read
  // after the end offsets (below), so that a feed at the end is seen at the end.
  const feeds = deps.feeds();
  const topics = deps.topics().map((watched) => ({ ...watched, recency: watched.recency && { ...watched.recency } }));
  const kafka = deps.openKafka();
  try {
    const feedTopics = [...new Set(feeds.map((feed) => feed.topic))];
    const [cluster, group, feedEnds, subjects, connectors] = await Promise.all([
      runProbe(timeoutMs, () => kafka.describeCluster(), now),
      runProbe(timeoutMs, () => probeGroup(kafka, deps.groupId), now),
      runProbe(timeoutMs, async () => (await kafka.offsetRanges(feedTopics)).ends, now),
      runProbe(timeoutMs, () => deps.getJson(`${deps.registryUrl}/subjects`, timeoutMs), now),
      runProbe(timeoutMs, () => deps.getJson(`${deps.connectUrl}/connectors?expand=status`, timeoutMs), now),
    ]);
    const samples = deps.samples();
    const decidedAt = now();
    const earlier = earlierSample(samples, decidedAt);
    const feedHealths = feeds.map((feed) => {
      const endsEarlier = earlier?.ends.get(feed.topic);
      return feedHealth(feed, feedEnds.ok ? feedEnds.value.get(feed.topic) : undefined, endsEarlier ? { ends: endsEarlier, ageMs: decidedAt - earlier!.atMs } : undefined);
    });
    const response: Omit<GetPipelineHealthResponse, 'status' | 'detail'> = {
      checkedAtMs,
      broker: brokerHealth(cluster),
      schemaRegistry: registryHealth(subjects, deps.registryUrl, deps.expectedSubjects),
      kafkaConnect: connectHealth(connectors, deps.connectUrl),
      streamProcessor: processorHealth(group, samples, { groupId: deps.groupId, maxLagRecords: deps.maxLagRecords, rateWindowMs: deps.rateWindowMs }),
      gateway: gatewayHealth(feedHealths, deps.startedAtMs, checkedAtMs),
      topics: topics.map((watched) => topicFreshness(watched, checkedAtMs)),
    };
    const overall = overallHealth([
      { name: 'broker', ...response.broker! },
      { name: 'schema_registry', ...response.schemaRegistry! },
      { name: 'kafka_connect', ...response.kafkaConnect! },
      { name: 'stream_processor', ...response.streamProcessor! },
      { name: 'gateway', ...response.gateway! },
      ...response.topics.map((topic) => ({ name: `topic ${topic.topic}`, status: topic.status, detail: topic.detail })),
    ]);
    return { ...overall, ...response };
  } finally {
    // A probe that timed out is still running on this connection: closing it ends that too.
    void kafka.close().catch(() => undefined);
  }
}

/** Time kept back from the call's deadline to build and send the answer. */
const ANSWER_MARGIN_MS = 100;
const MIN_PROBE_TIMEOUT_MS = 50;

/** The request has no fields; this is where any would be checked (INVALID_ARGUMENT naming the field). */
export function validateGetPipelineHealth(_request: GetPipelineHealthRequest__Output): void {}

/** GetPipelineHealth: probes within the probe timeout, or less when the call's deadline is nearer. */
export function getPipelineHealthHandler(deps: PipelineHealthDeps & { readonly logger: Logger }): PipelineServiceHandlers['GetPipelineHealth'] {
  return unaryHandler('GetPipelineHealth', deps.logger, async (call) => {
    validateGetPipelineHealth(call.request);
    const timeoutMs = Math.max(MIN_PROBE_TIMEOUT_MS, Math.min(deps.probeTimeoutMs, remainingMs(call.getDeadline()) - ANSWER_MARGIN_MS));
    const health = await checkPipelineHealth(deps, timeoutMs);
    if (health.status !== UP) deps.logger.debug({ status: health.status, detail: health.detail }, 'pipeline health asked: not all UP');
    return health;
  });
}
