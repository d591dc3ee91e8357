import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import type { Admin, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { WINDOW_COUNTS_TOPIC, type WindowCountKey } from '@iot/contracts';
import type { PipelineServiceClient, WindowCountEvent__Output } from '@iot/contracts/grpc';
import { simulate, type SimulationStats } from '@iot/producers/src/simulator.ts';
import { CatchUp, connectIdempotentProducer } from '@iot/runtime';
import { authMetadata, clients, compare, endOffsets, fanOutFleet, hasEveryLatest, MiB, procStats, quantiles, TopicTally, until, type Quantiles } from './gateway-bench.ts';
import { CpuMeter, grouped, type Resources } from './support.ts';

/**
 * Delivery: the same live traffic (a bench fleet through the running pipeline) followed by N
 * subscribers, first through the gRPC gateway (StreamWindowCounts), then by N kafkajs consumers
 * reading iot.window-counts-1m directly, each in a consumer group of its own. One path at a time.
 */
export interface DeliveryBenchOptions {
  readonly runId: string;
  /** Subscribers on each path (gRPC calls; Kafka consumers, one group each). */
  readonly subscribers: number;
  /** Client connections the gRPC subscribers are spread over, round-robin. */
  readonly channels: number;
  /** Sensors in each path's fleet (a fresh fleet per path), a reading every 500 ms each. */
  readonly sensors: number;
  /** How long each path's fleet produces. */
  readonly seconds: number;
  /** Run the direct path first (default: the gateway first), to see what order does on a shared stack. */
  readonly kafkaFirst: boolean;
  readonly gatewayAddress: string;
  readonly token: string;
  readonly gatewayPid: number;
  /** The Kafka server's pid (its CPU and RSS from /proc) and the port clients connect to (TCP connections counted there). */
  readonly brokerPid: number;
  readonly brokerPort: number;
  /** The running stream processor's pid (its CPU: the same pipeline produces both paths' records). */
  readonly processorPid: number;
  readonly registryUrl: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface DeliveryPathResult {
  path: 'grpc-gateway' | 'kafka-direct';
  subscribers: number;
  /** gRPC: client connections (HTTP/2) the calls share; Kafka: one kafkajs consumer (and group) per subscriber. */
  connections: number;
  prefix: string;
  sensors: number;
  /** startMs: from calling the simulator to its first send (it registers the schemas first). */
  produced: { sent: number; errors: number; seconds: number; startMs: number };
  attach: {
    /** What "attached" means on this path. */
    meaning: string;
    /** ms from the phase's first subscribe/connect to the first subscriber attached, and to the last (all N). */
    firstMs: number;
    allMs: number;
    /** Per subscriber, ms from its own subscribe call / connect() to attached. */
    perSubscriberMs: Quantiles | null;
    /** Kafka only: per consumer, ms from connect() to its group joined, and to its first record (any sensor). */
    groupJoinMs: Quantiles | null;
    firstRecordMs: Quantiles | null;
    /** Kafka only: records each consumer read to catch up (the topic from now - 60 s to its end: the gateway snapshot's equivalent). */
    catchUpRecordsPerSubscriber: number | null;
    /** CPU-s used from the first subscribe to all attached. */
    cpuSeconds: { broker: number; gateway: number; bench: number };
  };
  /** The fleet's records on iot.window-counts-1m, read back by this bench's own consumer. */
  /** firstRecordAfterProductionMs: production start to the fleet's first record on the topic (250 ms resolution). */
  topic: { records: number; updates: number; finals: number; windows: number; allFinalsSeen: boolean; firstRecordAfterProductionMs: number | null };
  delivered: {
    /** Fleet window-count messages received by all subscribers together. */
    messages: number;
    /** From 5 s after production started to its end. */
    steadyMessagesPerSecond: number;
    steadySeconds: number;
    /** The fleet's records appearing on the topic per second over the same window (x subscribers: what there was to deliver). */
    steadyTopicRecordsPerSecond: number;
    /** Kafka only: records of any sensor the consumers read (they filter client-side), per second over the steady window, all together. */
    steadyRecordsReadPerSecond: number | null;
    perSubscriber: { min: number; median: number; max: number };
    /** Production end until every subscriber had every window's last record (null: not all did). */
    completeAfterProductionSeconds: number | null;
  };
  /** ms, a message's arrival (Date.now()) minus its record's Kafka timestamp (set by the processor's producer, before its transaction commits); every message of every subscriber. */
  delayMs: Quantiles | null;
  /** The same delay at this bench's one reference consumer of the topic (read_committed, no decoding beyond the key): when records became readable; delayMs minus this is the path's own share. */
  referenceDelayMs: Quantiles | null;
  /** Cores busy over the steady window. */
  cpu: { brokerCores: number; gatewayCores: number; processorCores: number; benchCores: number; machineCores: number | null; seconds: number };
  rss: { gatewayBeforeMiB: number; gatewayPeakMiB: number; brokerPeakMiB: number; benchBeforeMiB: number; benchPeakMiB: number };
  /** ESTABLISHED TCP connections to the broker's port (all clients on this machine): before the subscribers, once all attached, the largest sample, 2 s after they left. */
  brokerConnections: { before: number; attached: number; peak: number; after: number };
  verified: {
    /** Subscribers that received exactly the topic's fleet records, partition by partition in order. */
    subscribersExact: number;
    /** Subscribers whose last message of every window is the topic's last record of it (the final). */
    subscribersWithEveryLatest: number;
    missing: number;
    extra: number;
    outOfOrderOrDuplicate: number;
    streamErrors: Record<string, number>;
    examples: string[];
  };
  /** Subscriber 0 disconnected half-way through production and came back (gRPC: resume_cursor; Kafka: its group's committed offsets). */
  resume: {
    /** ms it was away (between the disconnect and the new call / connect). */
    awayMs: number;
    /** ms from the new call / connect() to its first message (gRPC: any message; Kafka: any record). */
    firstMessageMs: number | null;
    /** Kafka only: ms from connect() to its group joined. */
    groupJoinMs: number | null;
    /** Records it received again that it already had (at-least-once redelivery); removed before the exact check. */
    duplicates: number;
    /** Records it received after coming back. */
    receivedAfter: number;
    error: string | null;
  } | null;
}

export interface DeliveryBenchResult {
  gatewayAddress: string;
  gatewayPid: number;
  brokerPid: number;
  brokerPort: number;
  subscribers: number;
  sensors: number;
  seconds: number;
  /** The path run first. */
  first: DeliveryPathResult['path'];
  grpc: DeliveryPathResult;
  kafka: DeliveryPathResult;
  verified: {
    /** The gateway's promise: nothing off the topic, twice or out of order, each window's final last, for every subscriber. */
    grpcSound: boolean;
    /** Every direct consumer got every record, in order. */
    kafkaExact: boolean;
  };
}

const READING_INTERVAL_MS = 500;
const STEADY_AFTER_MS = 5000;
const ATTACH_TIMEOUT_MS = 120_000;
const FINALS_TIMEOUT_MS = 150_000;
const DELIVERY_TIMEOUT_MS = 180_000;
const DELIVERY_STALL_MS = 15_000;
const RESUME_AWAY_MS = 1000;
const PROGRESS_EVERY_MS = 5000;
/** The Kafka consumers start this far back: the gateway subscribers' snapshot (snapshot_minutes 1). */
const HISTORY_MS = 60_000;

/** ESTABLISHED TCP connections whose local port is `port` (the server side of connections to it), from /proc/net/tcp and tcp6. */
export function establishedTo(port: number): number {
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || fields[3] !== '01') continue; // 01: ESTABLISHED
      const local = fields[1]!;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) count += 1;
    }
  }
  return count;
}

interface Mark {
  at: number;
  broker: number;
  processor: number;
  gateway: number;
  bench: number;
  machine: CpuMeter;
}

function mark(options: DeliveryBenchOptions): Mark {
  const used = process.cpuUsage();
  return { at: performance.now(), broker: procStats(options.brokerPid).cpuSeconds, processor: procStats(options.processorPid).cpuSeconds, gateway: procStats(options.gatewayPid).cpuSeconds, bench: (used.user + used.system) / 1e6, machine: new CpuMeter() };
}

function since(from: Mark, options: DeliveryBenchOptions) {
  const now = mark(options);
  const seconds = (now.at - from.at) / 1000;
  return {
    seconds,
    broker: now.broker - from.broker,
    processor: now.processor - from.processor,
    gateway: now.gateway - from.gateway,
    bench: now.bench - from.bench,
    machineCores: from.machine.stop().machineCores,
  };
}

/** RSS peaks (gateway, broker, this process) every 250 ms and broker connections every second. */
class Sampler {
  gatewayPeak: number;
  brokerPeak: number;
  benchPeak = process.memoryUsage().rss;
  connectionsPeak: number;
  private readonly timers: NodeJS.Timeout[];

  constructor(private readonly options: DeliveryBenchOptions) {
    this.gatewayPeak = procStats(options.gatewayPid).rssBytes;
    this.brokerPeak = procStats(options.brokerPid).rssBytes;
    this.connectionsPeak = establishedTo(options.brokerPort);
    this.timers = [setInterval(() => this.sampleRss(), 250), setInterval(() => this.sampleConnections(), 1000)];
  }

  sampleRss(): void {
    try {
      this.gatewayPeak = Math.max(this.gatewayPeak, procStats(this.options.gatewayPid).rssBytes);
      this.brokerPeak = Math.max(this.brokerPeak, procStats(this.options.brokerPid).rssBytes);
    } catch {
      // a server went away: the run will notice
    }
    this.benchPeak = Math.max(this.benchPeak, process.memoryUsage().rss);
  }

  sampleConnections(): number {
    const now = establishedTo(this.options.brokerPort);
    this.connectionsPeak = Math.max(this.connectionsPeak, now);
    return now;
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.sampleRss();
  }
}

/** What one subscriber received, on either path. */
interface Follower {
  /** Fleet records received per partition, in arrival order (a resumed subscriber's repeats removed). */
  readonly offsets: number[][];
  /** Arrival (Date.now()) per entry of `offsets` (gRPC: the delay is computed at the end from the topic's timestamps). */
  readonly arrivals: number[][];
  readonly delays: number[];
  received: number;
  /** Kafka: records of any sensor read. */
  read: number;
  startedAt: number;
  attachedAt: number | undefined;
  joinedAt: number | undefined;
  firstRecordAt: number | undefined;
  error: string | undefined;
  /** gRPC: the last cursor received. */
  cursor: string;
  /** Resume bookkeeping: offsets already held per partition, and counts after coming back. */
  seen: Array<Set<number>> | undefined;
  duplicates: number;
  receivedAfterResume: number;
}

function newFollower(partitions: number): Follower {
  return {
    offsets: Array.from({ length: partitions }, () => []),
    arrivals: Array.from({ length: partitions }, () => []),
    delays: [],
    received: 0,
    read: 0,
    startedAt: performance.now(),
    attachedAt: undefined,
    joinedAt: undefined,
    firstRecordAt: undefined,
    error: undefined,
    cursor: '',
    seen: undefined,
    duplicates: 0,
    receivedAfterResume: 0,
  };
}

/** Records a fleet record; false when a resumed subscriber already had it. */
function receive(follower: Follower, partition: number, offset: number, arrival: number): boolean {
  if (follower.seen) {
    const seen = (follower.seen[partition] ??= new Set());
    if (seen.has(offset)) {
      follower.duplicates += 1;
      return false;
    }
    seen.add(offset);
    follower.receivedAfterResume += 1;
  }
  (follower.offsets[partition] ??= []).push(offset);
  (follower.arrivals[partition] ??= []).push(arrival);
  follower.received += 1;
  return true;
}

function startResume(follower: Follower): void {
  follower.seen = follower.offsets.map((offsets) => new Set(offsets));
}

/** One path's moving parts, behind the same shape so that the run around them is one. */
interface DeliveryPath {
  readonly name: DeliveryPathResult['path'];
  readonly followers: Follower[];
  readonly connections: number;
  /** Starts every subscriber; resolves once all are attached (throws if one cannot). */
  attach(): Promise<void>;
  /** Disconnects subscriber 0, waits, brings it back; resolves once it is back (its first message may come later). */
  resume(): Promise<{ awayMs: number; startedAt: number }>;
  resumeFirstMessageAt(): number | undefined;
  resumeGroupJoinMs(): number | null;
  resumeError(): string | null;
  detach(): Promise<void>;
  readonly attachExtras: () => Pick<DeliveryPathResult['attach'], 'groupJoinMs' | 'firstRecordMs' | 'catchUpRecordsPerSubscriber' | 'meaning'>;
}

function grpcPath(options: DeliveryBenchOptions, sensorIds: string[], partitions: number): DeliveryPath {
  const channels: PipelineServiceClient[] = clients(options, options.channels);
  const followers: Follower[] = [];
  const calls: Array<grpc.ClientReadableStream<WindowCountEvent__Output> | undefined> = [];
  let resumedFirstAt: number | undefined;
  let resumedError: string | null = null;
  const open = (index: number, follower: Follower, resumeCursor: string, onFirst?: () => void) => {
    const call = channels[index % channels.length]!.StreamWindowCounts({ sensorIds, snapshotMinutes: 1, resumeCursor }, authMetadata(options.token));
    calls[index] = call;
    let first = true;
    call.on('data', (event: WindowCountEvent__Output) => {
      if (calls[index] !== call) return; // a cancelled call's last messages: the resumed one has them again
      if (first) {
        first = false;
        onFirst?.();
      }
      if (event.cursor) follower.cursor = event.cursor;
      if (event.windowCount) {
        const at = Date.now();
        follower.firstRecordAt ??= performance.now();
        receive(follower, event.position!.partition, Number(event.position!.offset), at);
      } else if (event.snapshotComplete) {
        follower.attachedAt ??= performance.now();
      }
    });
    call.on('error', (error: grpc.ServiceError) => {
      if (calls[index] !== call || error.code === grpc.status.CANCELLED) return;
      follower.error = `${grpc.status[error.code] ?? error.code}: ${error.details}`;
      if (resumeCursor) resumedError = follower.error;
    });
  };
  return {
    name: 'grpc-gateway',
    followers,
    connections: channels.length,
    async attach() {
      for (let i = 0; i < options.subscribers; i += 1) {
        const follower = newFollower(partitions);
        followers.push(follower);
        open(i, follower, '');
      }
      const all = await until(() => followers.every((follower) => follower.attachedAt !== undefined || follower.error !== undefined), ATTACH_TIMEOUT_MS, options.signal, 20);
      const failed = followers.filter((follower) => follower.error !== undefined);
      if (!all || failed.length > 0) throw new Error(`${followers.filter((follower) => follower.attachedAt !== undefined).length} of ${followers.length} gRPC subscribers got their snapshot${failed.length > 0 ? `; ${failed.length} failed, e.g. ${failed[0]!.error}` : ' (timed out)'}`);
    },
    async resume() {
      const follower = followers[0]!;
      const call = calls[0]!;
      calls[0] = undefined;
      call?.cancel();
      const away = performance.now();
      await sleep(RESUME_AWAY_MS);
      startResume(follower);
      const startedAt = performance.now();
      if (follower.cursor === '') throw new Error('gRPC subscriber 0 had received no cursor to resume from');
      open(0, follower, follower.cursor, () => (resumedFirstAt = performance.now()));
      return { awayMs: startedAt - away, startedAt };
    },
    resumeFirstMessageAt: () => resumedFirstAt,
    resumeGroupJoinMs: () => null,
    resumeError: () => resumedError,
    async detach() {
      for (const call of calls) call?.cancel();
      for (const channel of channels) channel.close();
    },
    attachExtras: () => ({ meaning: 'StreamWindowCounts call -> snapshot_complete', groupJoinMs: null, firstRecordMs: null, catchUpRecordsPerSubscriber: null }),
  };
}

function kafkaPath(options: DeliveryBenchOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }, prefix: string, partitions: number): DeliveryPath {
  const { kafka, admin, registry } = harness;
  const followers: Follower[] = [];
  const consumers: Consumer[] = [];
  const groups = Array.from({ length: options.subscribers }, (_, i) => `bench-${options.runId}-direct-${i}`);
  let catchUpRecords = 0;
  let resumedFirstAt: number | undefined;
  let resumedJoinMs: number | null = null;
  let resumedError: string | null = null;

  /** A consumer as an independent dashboard would run one: its own group, read_committed (kafkajs's default), decoding through the registry. */
  const start = async (index: number, follower: Follower, ends: Map<number, number>, starts: Map<number, number>, onJoin?: (ms: number) => void, onFirst?: () => void): Promise<void> => {
    const consumer = kafka.consumer({ groupId: groups[index]!, maxWaitTimeInMs: 250, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
    consumers[index] = consumer;
    const startedAt = performance.now();
    const catchUp = new CatchUp([...ends].map(([partition, high]) => ({ partition, low: starts.get(partition) ?? 0, high })));
    consumer.on(consumer.events.GROUP_JOIN, () => {
      follower.joinedAt ??= performance.now();
      onJoin?.(performance.now() - startedAt);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      catchUp.consumed(payload.partition, Number(payload.lastOffset), Number(payload.offsetLag));
      if (catchUp.caughtUp) follower.attachedAt ??= performance.now();
    });
    if (catchUp.caughtUp) follower.attachedAt ??= performance.now();
    let first = true;
    await consumer.connect();
    await consumer.subscribe({ topic: WINDOW_COUNTS_TOPIC, fromBeginning: false });
    await consumer.run({
      autoCommitInterval: 5000, // as the gateway's own feed commits
      eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
        const at = Date.now();
        if (first) {
          first = false;
          follower.firstRecordAt ??= performance.now();
          onFirst?.();
        }
        follower.read += 1;
        if (!message.key || !message.value) return;
        const key = (await registry.decode(message.key)) as WindowCountKey;
        if (!key.sensorId.startsWith(prefix)) return;
        await registry.decode(message.value); // what a dashboard would show
        if (receive(follower, partition, Number(message.offset), at)) follower.delays.push(at - Number(message.timestamp));
      },
    });
    // A fresh group reads from the last minute of the topic, as the gateway's snapshot_minutes 1
    // (applied when the partitions are assigned); a returning one goes on from its committed offsets.
    for (const [partition, offset] of starts) consumer.seek({ topic: WINDOW_COUNTS_TOPIC, partition, offset: String(offset) });
  };

  return {
    name: 'kafka-direct',
    followers,
    connections: options.subscribers,
    async attach() {
      const ends = await endOffsets(admin, WINDOW_COUNTS_TOPIC);
      const history = await admin.fetchTopicOffsetsByTimestamp(WINDOW_COUNTS_TOPIC, Date.now() - HISTORY_MS);
      const starts = new Map(history.map(({ partition, offset }) => [partition, Number(offset) < 0 ? (ends.get(partition) ?? 0) : Number(offset)]));
      catchUpRecords = [...ends].reduce((sum, [partition, high]) => sum + Math.max(0, high - (starts.get(partition) ?? high)), 0);
      for (const groupId of groups) resources.groups.add(groupId);
      for (let i = 0; i < options.subscribers; i += 1) followers.push(newFollower(partitions));
      const started = await Promise.allSettled(followers.map((follower, i) => {
        follower.startedAt = performance.now();
        return start(i, follower, ends, starts);
      }));
      started.forEach((outcome, i) => {
        if (outcome.status === 'rejected') followers[i]!.error = (outcome.reason as Error).message;
      });
      const all = await until(() => followers.every((follower) => follower.attachedAt !== undefined || follower.error !== undefined), ATTACH_TIMEOUT_MS, options.signal, 20);
      const failed = followers.filter((follower) => follower.error !== undefined);
      if (!all || failed.length > 0) throw new Error(`${followers.filter((follower) => follower.attachedAt !== undefined).length} of ${followers.length} Kafka consumers caught up${failed.length > 0 ? `; ${failed.length} failed, e.g. ${failed[0]!.error}` : ' (timed out)'}`);
    },
    async resume() {
      const follower = followers[0]!;
      const away = performance.now();
      await consumers[0]!.disconnect();
      await sleep(RESUME_AWAY_MS);
      startResume(follower);
      const startedAt = performance.now();
      // Its group's committed offsets say where to go on; nothing to catch up to for "attached".
      start(0, follower, new Map(), new Map(), (ms) => (resumedJoinMs ??= ms), () => (resumedFirstAt = performance.now())).catch((error: unknown) => {
        resumedError = (error as Error).message;
      });
      return { awayMs: startedAt - away, startedAt };
    },
    resumeFirstMessageAt: () => resumedFirstAt,
    resumeGroupJoinMs: () => resumedJoinMs,
    resumeError: () => resumedError,
    async detach() {
      await Promise.allSettled(consumers.map((consumer) => consumer.disconnect()));
    },
    attachExtras: () => {
      const join = followers.flatMap((follower) => (follower.joinedAt === undefined ? [] : [follower.joinedAt - follower.startedAt]));
      const first = followers.flatMap((follower) => (follower.firstRecordAt === undefined ? [] : [follower.firstRecordAt - follower.startedAt]));
      return { meaning: 'connect() + group join -> caught up to the end offsets taken at attach (seek to now - 60 s)', groupJoinMs: quantiles(join), firstRecordMs: quantiles(first), catchUpRecordsPerSubscriber: catchUpRecords };
    },
  };
}

/** One path: fleet, subscribers, production with a resume half-way, the wait for every window's final, the checks. */
async function runPath(options: DeliveryBenchOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }, which: DeliveryPathResult['path']): Promise<DeliveryPathResult> {
  const { kafka, admin, registry } = harness;
  const prefix = `d${options.runId.slice(-4)}-${which === 'grpc-gateway' ? 'g' : 'k'}-`;
  const fleet = fanOutFleet(prefix, options.sensors);
  const partitions = (await endOffsets(admin, WINDOW_COUNTS_TOPIC)).size;
  const tally = new TopicTally(partitions, prefix);
  const groupId = `bench-${options.runId}-delivery-${which}`;
  resources.groups.add(groupId);
  let producer: Producer | undefined;
  const sampler = new Sampler(options);
  const path = which === 'grpc-gateway' ? grpcPath(options, fleet.map((sensor) => sensor.id), partitions) : kafkaPath(options, resources, harness, prefix, partitions);
  const { followers } = path;
  try {
    // The bench's own parts first, so that the connection count's difference is the subscribers'.
    await tally.start(kafka, admin, registry, groupId, await endOffsets(admin, WINDOW_COUNTS_TOPIC));
    producer = await connectIdempotentProducer(kafka);
    await sleep(1000);
    const connectionsBefore = sampler.sampleConnections();
    const gatewayBefore = procStats(options.gatewayPid).rssBytes;
    const benchBefore = process.memoryUsage().rss;
    options.progress(`delivery ${which}: ${options.subscribers} subscribers${which === 'grpc-gateway' ? ` on ${options.channels} connections to ${options.gatewayAddress}` : ', each a kafkajs consumer in its own group'}, each following ${fleet.length} sensors (${prefix}*); ${connectionsBefore} connections to the broker before`);

    const attachMark = mark(options);
    await path.attach();
    const attachCpu = since(attachMark, options);
    const firstStart = Math.min(...followers.map((follower) => follower.startedAt));
    const attachedAt = followers.map((follower) => follower.attachedAt!);
    const connectionsAttached = sampler.sampleConnections();
    options.progress(`  all ${followers.length} attached in ${((Math.max(...attachedAt) - firstStart) / 1000).toFixed(2)} s; ${connectionsAttached} connections to the broker`);

    options.progress(`  producing: ${fleet.length} sensors, a reading every ${READING_INTERVAL_MS} ms each, for ${options.seconds} s; subscriber 0 leaves and comes back half-way`);
    const delivered = () => followers.reduce((sum, follower) => sum + follower.received, 0);
    const readAll = () => followers.reduce((sum, follower) => sum + follower.read, 0);
    const stopProducing = new AbortController();
    const onAbort = () => stopProducing.abort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const produceStarted = performance.now();
    let steadyStart: { mark: Mark; delivered: number; read: number; topic: number } | undefined;
    let lastProgress = produceStarted;
    let firstTopicAt: number | undefined;
    let resumeAt: Promise<{ awayMs: number; startedAt: number }> | undefined;
    const ticker = setInterval(() => {
      const now = performance.now();
      if (firstTopicAt === undefined && tally.records > 0) firstTopicAt = now;
      if (!steadyStart && now - produceStarted >= STEADY_AFTER_MS) steadyStart = { mark: mark(options), delivered: delivered(), read: readAll(), topic: tally.records };
      if (!resumeAt && now - produceStarted >= (options.seconds * 1000) / 2) {
        resumeAt = path.resume();
        resumeAt.catch(() => undefined);
      }
      if (now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        options.progress(`  ${((now - produceStarted) / 1000).toFixed(0).padStart(4)} s: ${grouped(tally.records)} fleet records on the topic, ${grouped(delivered())} delivered; ${establishedTo(options.brokerPort)} broker connections`);
      }
    }, 250);
    let stats: SimulationStats;
    try {
      stats = await simulate(producer, registry, options.registryUrl, fleet, { durationMs: options.seconds * 1000, seed: 11, signal: stopProducing.signal });
    } finally {
      clearInterval(ticker);
      options.signal.removeEventListener('abort', onAbort);
    }
    options.signal.throwIfAborted();
    const produceEnded = performance.now();
    const steady = steadyStart ?? { mark: mark(options), delivered: delivered(), read: readAll(), topic: tally.records };
    const steadyTopic = tally.records - steady.topic;
    const steadyDelivered = delivered() - steady.delivered;
    const steadyRead = readAll() - steady.read;
    const steadyCpu = since(steady.mark, options);
    const resumed: { awayMs: number; startedAt: number; error?: string } | undefined = resumeAt ? await resumeAt.catch((error: unknown) => ({ awayMs: Number.NaN, startedAt: Number.NaN, error: (error as Error).message })) : undefined;
    options.progress(`  produced ${grouped(stats.sent)} readings in ${((produceEnded - produceStarted) / 1000).toFixed(1)} s (errors ${stats.errors}); waiting for the fleet's windows to close`);

    const finalsSeen = await until(() => performance.now() - produceEnded > 3000 && tally.allFinalsSeen, FINALS_TIMEOUT_MS, options.signal, 500);
    if (!finalsSeen) options.progress(`  not every window closed in ${FINALS_TIMEOUT_MS / 1000} s (${tally.finals.size} of ${tally.windows.size}): comparing with the records there are`);
    const complete = () => {
      const last = tally.lastOfEachWindow();
      return followers.every((follower) => (which === 'grpc-gateway' || follower.received >= tally.records) && hasEveryLatest(tally, last, follower.offsets));
    };
    let lastTotal = delivered();
    let lastChange = performance.now();
    let completeAt: number | undefined;
    await until(() => {
      if (delivered() !== lastTotal) {
        lastTotal = delivered();
        lastChange = performance.now();
      }
      if (complete()) {
        completeAt = performance.now();
        return true;
      }
      return performance.now() - lastChange > DELIVERY_STALL_MS;
    }, DELIVERY_TIMEOUT_MS, options.signal, 500);

    const verified: DeliveryPathResult['verified'] = { subscribersExact: 0, subscribersWithEveryLatest: 0, missing: 0, extra: 0, outOfOrderOrDuplicate: 0, streamErrors: {}, examples: [] };
    const lastOnTopic = tally.lastOfEachWindow();
    const delays: number[] = [];
    followers.forEach((follower, i) => {
      if (which === 'grpc-gateway') {
        follower.arrivals.forEach((times, partition) => times.forEach((at, k) => {
          const timestamp = tally.timestampOf[partition]?.get(follower.offsets[partition]![k]!);
          if (timestamp !== undefined) delays.push(at - timestamp);
        }));
      } else {
        delays.push(...follower.delays);
      }
      if (hasEveryLatest(tally, lastOnTopic, follower.offsets)) verified.subscribersWithEveryLatest += 1;
      if (follower.error) verified.streamErrors[follower.error] = (verified.streamErrors[follower.error] ?? 0) + 1;
      const result = compare(tally.offsets, follower.offsets);
      if (result.exact) {
        verified.subscribersExact += 1;
        return;
      }
      verified.missing += result.missing;
      verified.extra += result.extra;
      verified.outOfOrderOrDuplicate += result.disorder;
      if (verified.examples.length < 5) verified.examples.push(`subscriber ${i}: ${follower.received} received of ${tally.records}; missing ${result.missing}, not on the topic ${result.extra}, out of order or repeated ${result.disorder}${follower.error ? `; ended with ${follower.error}` : ''}`);
    });
    options.progress(`  ${verified.subscribersExact} of ${followers.length} got exactly the topic's ${grouped(tally.records)} fleet records, ${verified.subscribersWithEveryLatest} every window's last`);

    const resumedFollower = followers[0]!;
    const firstBack = path.resumeFirstMessageAt();
    const resume: DeliveryPathResult['resume'] = resumed
      ? {
          awayMs: resumed.awayMs,
          firstMessageMs: firstBack === undefined || !Number.isFinite(resumed.startedAt) ? null : firstBack - resumed.startedAt,
          groupJoinMs: path.resumeGroupJoinMs(),
          duplicates: resumedFollower.duplicates,
          receivedAfter: resumedFollower.receivedAfterResume,
          error: resumed.error ?? path.resumeError(),
        }
      : null;

    const counts = followers.map((follower) => follower.received).sort((a, b) => a - b);
    const steadySeconds = steadyStart ? (produceEnded - steadyStart.mark.at) / 1000 : 0;
    const attachedFrom = attachedAt.map((at) => at - firstStart);
    const perSubscriber = followers.map((follower) => follower.attachedAt! - follower.startedAt);

    await path.detach();
    await sleep(2000);
    const connectionsAfter = sampler.sampleConnections();
    sampler.stop();
    return {
      path: which,
      subscribers: followers.length,
      connections: path.connections,
      prefix,
      sensors: fleet.length,
      produced: { sent: stats.sent, errors: stats.errors, seconds: (produceEnded - produceStarted) / 1000, startMs: produceEnded - produceStarted - stats.elapsedMs },
      attach: {
        ...path.attachExtras(),
        firstMs: Math.min(...attachedFrom),
        allMs: Math.max(...attachedFrom),
        perSubscriberMs: quantiles(perSubscriber),
        cpuSeconds: { broker: attachCpu.broker, gateway: attachCpu.gateway, bench: attachCpu.bench },
      },
      topic: { records: tally.records, updates: tally.updates, finals: tally.finals.size, windows: tally.windows.size, allFinalsSeen: tally.allFinalsSeen, firstRecordAfterProductionMs: firstTopicAt === undefined ? null : firstTopicAt - produceStarted },
      delivered: {
        messages: delivered(),
        steadyMessagesPerSecond: steadySeconds > 0 ? steadyDelivered / steadySeconds : Number.NaN,
        steadySeconds,
        steadyTopicRecordsPerSecond: steadySeconds > 0 ? steadyTopic / steadySeconds : Number.NaN,
        steadyRecordsReadPerSecond: which === 'kafka-direct' && steadySeconds > 0 ? steadyRead / steadySeconds : null,
        perSubscriber: { min: counts[0] ?? 0, median: counts[Math.floor(counts.length / 2)] ?? 0, max: counts.at(-1) ?? 0 },
        completeAfterProductionSeconds: completeAt === undefined ? null : (completeAt - produceEnded) / 1000,
      },
      delayMs: quantiles(delays),
      referenceDelayMs: quantiles(tally.seenAt.flatMap((seen, partition) => [...seen].flatMap(([offset, at]) => {
        const timestamp = tally.timestampOf[partition]?.get(offset);
        return timestamp === undefined ? [] : [performance.timeOrigin + at - timestamp];
      }))),
      cpu: { brokerCores: steadyCpu.broker / steadyCpu.seconds, gatewayCores: steadyCpu.gateway / steadyCpu.seconds, processorCores: steadyCpu.processor / steadyCpu.seconds, benchCores: steadyCpu.bench / steadyCpu.seconds, machineCores: steadyCpu.machineCores, seconds: steadyCpu.seconds },
      rss: { gatewayBeforeMiB: MiB(gatewayBefore), gatewayPeakMiB: MiB(sampler.gatewayPeak), brokerPeakMiB: MiB(sampler.brokerPeak), benchBeforeMiB: MiB(benchBefore), benchPeakMiB: MiB(sampler.benchPeak) },
      brokerConnections: { before: connectionsBefore, attached: connectionsAttached, peak: sampler.connectionsPeak, after: connectionsAfter },
      verified,
      resume,
    };
  } finally {
    sampler.stop();
    await path.detach().catch(() => undefined);
    await tally.stop().catch((error: unknown) => options.progress(`  stopping the topic consumer failed: ${(error as Error).message}`));
    await producer?.disconnect().catch(() => undefined);
  }
}

/** The gateway path, then the direct path, each with a fresh fleet of the same size and rate for the same time. */
export async function runDeliveryBench(options: DeliveryBenchOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }): Promise<DeliveryBenchResult> {
  const order: Array<DeliveryPathResult['path']> = options.kafkaFirst ? ['kafka-direct', 'grpc-gateway'] : ['grpc-gateway', 'kafka-direct'];
  const results = new Map<DeliveryPathResult['path'], DeliveryPathResult>();
  for (const which of order) {
    options.signal.throwIfAborted();
    results.set(which, await runPath(options, resources, harness, which));
  }
  const grpcResult = results.get('grpc-gateway')!;
  const kafkaResult = results.get('kafka-direct')!;
  const sound = (result: DeliveryPathResult) => result.topic.records > 0 && result.verified.extra === 0 && result.verified.outOfOrderOrDuplicate === 0 && result.verified.subscribersWithEveryLatest === result.subscribers && Object.keys(result.verified.streamErrors).length === 0;
  return {
    gatewayAddress: options.gatewayAddress,
    gatewayPid: options.gatewayPid,
    brokerPid: options.brokerPid,
    brokerPort: options.brokerPort,
    subscribers: options.subscribers,
    sensors: options.sensors,
    seconds: options.seconds,
    first: order[0]!,
    grpc: grpcResult,
    kafka: kafkaResult,
    verified: {
      grpcSound: sound(grpcResult),
      kafkaExact: sound(kafkaResult) && kafkaResult.verified.subscribersExact === kafkaResult.subscribers,
    },
  };
}

const q = (value: Quantiles | null, digits = 0): string => (value ? `p50 ${value.p50.toFixed(digits)}, p95 ${value.p95.toFixed(digits)}, p99 ${value.p99.toFixed(digits)}, max ${value.max.toFixed(digits)} ms` : 'n/a');

/** The report: the two paths side by side, then each one's details. */
export function printDelivery(result: DeliveryBenchResult): string[] {
  const { grpc: g, kafka: k } = result;
  const row = (label: string, a: string, b: string) => `  ${label.padEnd(38)}${a.padEnd(36)}${b}`;
  const cores = (value: number) => value.toFixed(2);
  const lines = [
    `Delivery: the same live traffic (${result.sensors} sensors, a reading every ${READING_INTERVAL_MS} ms each, ${result.seconds} s, through the running pipeline) to ${result.subscribers} subscribers of the fleet's window counts, one path after the other (${result.first} first)`,
    row('', `gRPC gateway (${g.connections} connections)`, `Kafka direct (${k.connections} consumers/groups)`),
    row('attach: first / all N', `${(g.attach.firstMs / 1000).toFixed(2)} s / ${(g.attach.allMs / 1000).toFixed(2)} s`, `${(k.attach.firstMs / 1000).toFixed(2)} s / ${(k.attach.allMs / 1000).toFixed(2)} s`),
    row('attach per subscriber p50/p99', g.attach.perSubscriberMs ? `${g.attach.perSubscriberMs.p50.toFixed(0)} / ${g.attach.perSubscriberMs.p99.toFixed(0)} ms` : 'n/a', k.attach.perSubscriberMs ? `${k.attach.perSubscriberMs.p50.toFixed(0)} / ${k.attach.perSubscriberMs.p99.toFixed(0)} ms` : 'n/a'),
    row('attach CPU-s broker/gw/bench', `${g.attach.cpuSeconds.broker.toFixed(2)} / ${g.attach.cpuSeconds.gateway.toFixed(2)} / ${g.attach.cpuSeconds.bench.toFixed(2)}`, `${k.attach.cpuSeconds.broker.toFixed(2)} / ${k.attach.cpuSeconds.gateway.toFixed(2)} / ${k.attach.cpuSeconds.bench.toFixed(2)}`),
    row('fleet records on the topic/s', g.delivered.steadyTopicRecordsPerSecond.toFixed(1), k.delivered.steadyTopicRecordsPerSecond.toFixed(1)),
    row('delivered msgs/s (x N to deliver)', `${grouped(g.delivered.steadyMessagesPerSecond)} (${grouped(g.delivered.steadyTopicRecordsPerSecond * g.subscribers)})`, `${grouped(k.delivered.steadyMessagesPerSecond)} (${grouped(k.delivered.steadyTopicRecordsPerSecond * k.subscribers)}); read ${grouped(k.delivered.steadyRecordsReadPerSecond ?? 0)} records/s of all sensors`),
    row('delay p50 / p95 / p99 / max', g.delayMs ? `${g.delayMs.p50.toFixed(0)} / ${g.delayMs.p95.toFixed(0)} / ${g.delayMs.p99.toFixed(0)} / ${g.delayMs.max.toFixed(0)} ms` : 'n/a', k.delayMs ? `${k.delayMs.p50.toFixed(0)} / ${k.delayMs.p95.toFixed(0)} / ${k.delayMs.p99.toFixed(0)} / ${k.delayMs.max.toFixed(0)} ms` : 'n/a'),
    row('  reference consumer p50/p99/max', g.referenceDelayMs ? `${g.referenceDelayMs.p50.toFixed(0)} / ${g.referenceDelayMs.p99.toFixed(0)} / ${g.referenceDelayMs.max.toFixed(0)} ms` : 'n/a', k.referenceDelayMs ? `${k.referenceDelayMs.p50.toFixed(0)} / ${k.referenceDelayMs.p99.toFixed(0)} / ${k.referenceDelayMs.max.toFixed(0)} ms` : 'n/a'),
    row('broker cores (steady)', cores(g.cpu.brokerCores), cores(k.cpu.brokerCores)),
    row('gateway cores (steady)', cores(g.cpu.gatewayCores), `${cores(k.cpu.gatewayCores)} (not serving these)`),
    row('stream processor cores (steady)', cores(g.cpu.processorCores), cores(k.cpu.processorCores)),
    row('bench (clients) cores', cores(g.cpu.benchCores), cores(k.cpu.benchCores)),
    row('machine cores busy', g.cpu.machineCores === null ? 'n/a' : cores(g.cpu.machineCores), k.cpu.machineCores === null ? 'n/a' : cores(k.cpu.machineCores)),
    row('RSS gateway before -> peak', `${Math.round(g.rss.gatewayBeforeMiB)} -> ${Math.round(g.rss.gatewayPeakMiB)} MiB`, `${Math.round(k.rss.gatewayBeforeMiB)} -> ${Math.round(k.rss.gatewayPeakMiB)} MiB`),
    row('RSS bench before -> peak', `${Math.round(g.rss.benchBeforeMiB)} -> ${Math.round(g.rss.benchPeakMiB)} MiB`, `${Math.round(k.rss.benchBeforeMiB)} -> ${Math.round(k.rss.benchPeakMiB)} MiB`),
    row('RSS broker peak', `${Math.round(g.rss.brokerPeakMiB)} MiB`, `${Math.round(k.rss.brokerPeakMiB)} MiB`),
    row('broker TCP before/attached/peak/after', `${g.brokerConnections.before} / ${g.brokerConnections.attached} / ${g.brokerConnections.peak} / ${g.brokerConnections.after}`, `${k.brokerConnections.before} / ${k.brokerConnections.attached} / ${k.brokerConnections.peak} / ${k.brokerConnections.after}`),
    row('broker TCP added per subscriber', ((g.brokerConnections.attached - g.brokerConnections.before) / g.subscribers).toFixed(2), ((k.brokerConnections.attached - k.brokerConnections.before) / k.subscribers).toFixed(2)),
    row('every update / every final', `${g.verified.subscribersExact} / ${g.verified.subscribersWithEveryLatest} of ${g.subscribers}`, `${k.verified.subscribersExact} / ${k.verified.subscribersWithEveryLatest} of ${k.subscribers}`),
    row('resume of subscriber 0', resumeText(g.resume), resumeText(k.resume)),
    `  gRPC attach               ${g.attach.meaning}; snapshot_minutes 1`,
    `  Kafka attach              ${k.attach.meaning}: ${grouped(k.attach.catchUpRecordsPerSubscriber ?? 0)} records each; group joined ${q(k.attach.groupJoinMs)}; first record ${q(k.attach.firstRecordMs)}`,
  ];
  for (const path of [g, k]) {
    const { topic, verified } = path;
    lines.push(`  ${path.path.padEnd(26)}produced ${grouped(path.produced.sent)} readings (errors ${path.produced.errors}; first send ${(path.produced.startMs / 1000).toFixed(1)} s after the start, first fleet record on the topic ${topic.firstRecordAfterProductionMs === null ? 'never' : `${(topic.firstRecordAfterProductionMs / 1000).toFixed(1)} s`}); ${grouped(topic.records)} fleet records on ${WINDOW_COUNTS_TOPIC} (${grouped(topic.updates)} updates + ${grouped(topic.finals)} finals, ${topic.windows} windows${topic.allFinalsSeen ? ', all closed' : ', NOT all closed'}); delivered ${grouped(path.delivered.messages)}, per subscriber ${path.delivered.perSubscriber.min}/${path.delivered.perSubscriber.median}/${path.delivered.perSubscriber.max} (min/median/max); all complete ${path.delivered.completeAfterProductionSeconds === null ? 'NOT reached' : `${path.delivered.completeAfterProductionSeconds.toFixed(1)} s after production`}`);
    const sound = verified.extra === 0 && verified.outOfOrderOrDuplicate === 0 && verified.subscribersWithEveryLatest === path.subscribers;
    lines.push(`  ${''.padEnd(26)}check ${sound ? 'OK' : 'PROBLEM'}: ${path.path === 'grpc-gateway' ? 'skipped by coalescing' : 'missing'} ${verified.missing}, not on the topic ${verified.extra}, out of order or repeated ${verified.outOfOrderOrDuplicate}${Object.keys(verified.streamErrors).length > 0 ? `; errors ${JSON.stringify(verified.streamErrors)}` : ''}`);
    lines.push(...verified.examples.map((example) => `  ${''.padEnd(26)}${example}`));
  }
  return lines;
}

function resumeText(resume: DeliveryPathResult['resume']): string {
  if (!resume) return 'not run';
  if (resume.error) return `FAILED: ${resume.error}`;
  return `first msg ${resume.firstMessageMs === null ? 'never' : `${resume.firstMessageMs.toFixed(0)} ms`}${resume.groupJoinMs === null ? '' : ` (join ${resume.groupJoinMs.toFixed(0)} ms)`}, ${resume.receivedAfter} after, ${resume.duplicates} dup`;
}
