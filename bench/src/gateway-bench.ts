import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { WINDOW_COUNTS_TOPIC, type SensorReading, type WindowCountKey } from '@iot/contracts';
import { loadPipelineProto, type AlertEvent__Output, type PipelineServiceClient, type WindowCountEvent__Output } from '@iot/contracts/grpc';
import { createReadingSender, type ReadingSender } from '@iot/grpc-gateway/src/ingest-readings.ts';
import { SENSOR_TYPES, type FleetSensor, type SensorType } from '@iot/producers/src/fleet.ts';
import { simulate, type SimulationStats } from '@iot/producers/src/simulator.ts';
import { connectIdempotentProducer } from '@iot/runtime';
import { DEFAULT_ALERT_RULES } from '@iot/stream-processor/alert-rules';
import { CpuMeter, type Resources } from './support.ts';

export interface GatewayBenchOptions {
  readonly runId: string;
  /** StreamWindowCounts subscribers, spread round-robin over `channels` client connections. */
  readonly subscribers: number;
  readonly channels: number;
  /** Sensors in the bench fleet at each step of the ramp; every subscriber follows all of them. */
  readonly sensorSteps: readonly number[];
  /** How long the fleet produces. */
  readonly seconds: number;
  /** Sensors driven out of their RANGE band, one alert each, `latencySpacingMs` apart. */
  readonly latencySamples: number;
  readonly latencySpacingMs: number;
  /** host:port of the gateway, its /metrics URL and a bearer token it accepts. */
  readonly gatewayAddress: string;
  readonly metricsUrl: string;
  readonly token: string;
  /** The gateway's process id (its RSS and CPU are read from /proc). */
  readonly gatewayPid: number;
  /** The gateway's log file (the stack tool's): warnings and errors it logs during the run are counted. */
  readonly gatewayLogFile: string;
  /** The fan-out stops early (and says so) when the gateway's RSS passes this: the stack is shared. */
  readonly rssLimitMiB: number;
  readonly registryUrl: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface FanOutResult {
  subscribers: number;
  channels: number;
  sensors: number;
  readingIntervalMs: number;
  seconds: number;
  prefix: string;
  /** The simulator's own summary. */
  produced: { sent: number; errors: number; seconds: number };
  subscribeSeconds: number;
  /** The fleet's records on iot.window-counts-1m (read back with a consumer of our own, read_committed). */
  topic: { records: number; updates: number; finals: number; windows: number; allFinalsSeen: boolean; recordsPerSecondWhileProducing: number };
  delivered: {
    /** Window-count messages received by all subscribers together. */
    messages: number;
    expected: number;
    /** From 5 s after production started to its end. */
    steadyMessagesPerSecond: number;
    steadyTopicRecordsPerSecond: number;
    steadySeconds: number;
    /** Records on the topic by then x subscribers, minus messages delivered, when production ended. */
    behindAtProductionEnd: number;
    /** Production end until every subscriber held every record (null: not all did). */
    completeAfterProductionSeconds: number | null;
    /** The largest one-second delivery rate seen. */
    peakMessagesPerSecond: number;
  };
  verified: {
    subscribersExact: number;
    subscribersMismatched: number;
    missing: number;
    extra: number;
    outOfOrderOrDuplicate: number;
    /** Subscribers whose last message of every window is the topic's last record of it (the final): what coalescing promises a slow client. */
    subscribersWithEveryLatest: number;
    snapshotMessages: number;
    streamErrors: Record<string, number>;
    examples: string[];
  };
  /** Messages per subscriber: the fewest, the median, the most. */
  perSubscriber: { min: number; median: number; max: number };
  /**
   * For every 100th subscriber, each message's arrival minus the moment this bench's own consumer
   * of the topic saw the same record (ms): how far behind the topic deliveries ran.
   */
  deliveryDelayMs: Quantiles | null;
  queueLargestMax: number;
  gatewayRss: { beforeMiB: number; peakMiB: number; afterMiB: number; afterSeconds: number };
  /** Cores busy over the steady window; CPU-s over the whole fan-out (subscribe to all delivered). */
  cpu: { gatewayCores: number; benchCores: number; machineCores: number | null; gatewayCpuSeconds: number; benchCpuSeconds: number; totalSeconds: number };
  benchRssPeakMiB: number;
  subscribersReleased: boolean;
  stoppedEarly: string | null;
}

export interface GatewayLog {
  file: string;
  /** Lines the gateway logged during the run, by level (warn and above). */
  counts: Record<string, number>;
  messages: Array<{ message: string; count: number }>;
}

export interface LatencyResult {
  samples: number;
  spacingMs: number;
  received: number;
  /** ms, from the moment the 3rd reading's send was acknowledged by Kafka (acks=all). */
  fromAck: Quantiles | null;
  /** ms, from just before the 3rd reading's send. */
  fromSend: Quantiles | null;
  /** ms, the send of the 3rd reading (encode + produce + ack). */
  sendMs: Quantiles | null;
  missingSensors: string[];
  gatewayCores: number;
}

export interface Quantiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  min: number;
  mean: number;
}

export interface GatewayResult {
  gatewayAddress: string;
  gatewayPid: number;
  /** One fan-out per step of the sensor ramp, in order. */
  fanOuts: FanOutResult[];
  /** The largest fleet at which every subscriber received every record (null: none). */
  largestExactSensors: number | null;
  latency: LatencyResult;
  gatewayLog: GatewayLog;
  /**
   * What the gateway promises at any load: nothing that is not on the topic, nothing out of order
   * or twice, and each window's newest value last. (Every update reaching every subscriber is a
   * matter of capacity: `largestExactSensors`.)
   */
  verified: { deliveriesSound: boolean; everyAlertArrived: boolean };
}

/** Each bench sensor reads twice a second, so each of its open windows changes between two updates (at most one a second). */
const READING_INTERVAL_MS = 500;
const STEADY_AFTER_MS = 5000;
const SUBSCRIBE_TIMEOUT_MS = 120_000;
const FINALS_TIMEOUT_MS = 150_000;
const DELIVERY_TIMEOUT_MS = 180_000;
/** A subscriber set that received nothing new for this long is not waited for any more (heartbeats come every 5 s). */
const DELIVERY_STALL_MS = 15_000;
const RELEASE_TIMEOUT_MS = 30_000;
/** Every this many-th subscriber records when each message arrived (the delivery delay). */
const DELAY_SAMPLE_EVERY = 100;
const ALERT_TIMEOUT_MS = 15_000;
const PROGRESS_EVERY_MS = 5000;
/** /proc/<pid>/stat counts CPU time in USER_HZ, 100 on Linux. */
const USER_HZ = 100;

export interface ProcStats {
  rssBytes: number;
  cpuSeconds: number;
}

/** RSS (VmRSS) and CPU (utime + stime) of another process, from /proc. */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssBytes: Number(rss ?? 0) * 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / USER_HZ };
}

export const MiB = (bytes: number): number => bytes / 1048576;

/** Samples the gateway's RSS every 250 ms (its peak), and gateway_subscriber_queue_largest every second. */
class GatewaySampler {
  peakRss: number;
  queueLargestMax = 0;
  lastRss: number;
  private readonly rssTimer: NodeJS.Timeout;
  private readonly metricsTimer: NodeJS.Timeout;
  private benchPeakRss = process.memoryUsage().rss;

  constructor(private readonly pid: number, private readonly metricsUrl: string) {
    this.lastRss = procStats(pid).rssBytes;
    this.peakRss = this.lastRss;
    this.rssTimer = setInterval(() => this.sampleRss(), 250);
    this.metricsTimer = setInterval(() => void this.sampleMetrics(), 1000);
  }

  get benchPeakMiB(): number {
    return MiB(this.benchPeakRss);
  }

  sampleRss(): void {
    try {
      this.lastRss = procStats(this.pid).rssBytes;
      this.peakRss = Math.max(this.peakRss, this.lastRss);
    } catch {
      // the gateway went away: the run will notice
    }
    this.benchPeakRss = Math.max(this.benchPeakRss, process.memoryUsage().rss);
  }

  private async sampleMetrics(): Promise<void> {
    const largest = await gatewayMetric(this.metricsUrl, 'gateway_subscriber_queue_largest').catch(() => undefined);
    if (largest !== undefined) this.queueLargestMax = Math.max(this.queueLargestMax, largest);
  }

  stop(): void {
    clearInterval(this.rssTimer);
    clearInterval(this.metricsTimer);
    this.sampleRss();
  }
}

/** One value of the gateway's Prometheus metrics (the first line of `name` whose labels contain `labels`). */
async function gatewayMetric(metricsUrl: string, name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
  const line = text.split('\n').find((candidate) => (candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `)) && candidate.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Waits (at most RELEASE_TIMEOUT_MS) until the gateway counts no more window-count subscribers than before the run. */
async function subscribersReleased(options: GatewayBenchOptions, before: number): Promise<boolean> {
  const started = performance.now();
  while (performance.now() - started < RELEASE_TIMEOUT_MS) {
    const now = await gatewayMetric(options.metricsUrl, 'gateway_subscribers', `topic="${WINDOW_COUNTS_TOPIC}"`).catch(() => undefined);
    if (now !== undefined && now <= before) return true;
    await sleep(500);
  }
  return false;
}

/** Nearest-rank quantiles of `values` (ms). */
export function quantiles(values: readonly number[]): Quantiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    count: sorted.length,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    max: sorted.at(-1)!,
    min: sorted[0]!,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  };
}

export function clients(options: Pick<GatewayBenchOptions, 'gatewayAddress'>, count: number): PipelineServiceClient[] {
  const proto = loadPipelineProto(grpc);
  // A local subchannel pool per client: each is its own HTTP/2 connection.
  return Array.from({ length: count }, () =>
    new proto.iot.v1.PipelineService(options.gatewayAddress, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }),
  );
}

export function authMetadata(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** The bench fleet: every sensor type in turn over 10 sites, each sensor reading every READING_INTERVAL_MS. */
export function fanOutFleet(prefix: string, count: number): FleetSensor[] {
  const types = Object.keys(SENSOR_TYPES) as SensorType[];
  return Array.from({ length: count }, (_, i) => {
    const type = types[i % types.length]!;
    return { id: `${prefix}fan-${String(i).padStart(4, '0')}`, type, siteId: `${prefix}site-${i % 10}`, unit: SENSOR_TYPES[type].unit, intervalMs: READING_INTERVAL_MS };
  });
}

interface Subscriber {
  readonly call: grpc.ClientReadableStream<WindowCountEvent__Output>;
  /** Offsets received per partition, in arrival order. */
  readonly offsets: number[][];
  /** Arrival times (performance.now()) per partition alongside `offsets`, for sampled subscribers only. */
  readonly arrivals: number[][] | undefined;
  received: number;
  snapshotMessages: number;
  ready: boolean;
  error: string | undefined;
}

/** The fleet's records on the window-counts topic from `from` on, read with a consumer group of our own (read_committed). */
export class TopicTally {
  readonly offsets: number[][];
  records = 0;
  updates = 0;
  readonly windows = new Set<string>();
  readonly finals = new Set<string>();
  /** Per partition: offset → window id, and when this consumer saw it (performance.now()). */
  readonly windowOf: Array<Map<number, string>>;
  readonly seenAt: Array<Map<number, number>>;
  /** Per partition: offset → the record's Kafka timestamp (epoch ms). */
  readonly timestampOf: Array<Map<number, number>>;
  private consumer: Consumer | undefined;

  constructor(partitions: number, private readonly prefix: string) {
    this.offsets = Array.from({ length: partitions }, () => []);
    this.windowOf = Array.from({ length: partitions }, () => new Map());
    this.seenAt = Array.from({ length: partitions }, () => new Map());
    this.timestampOf = Array.from({ length: partitions }, () => new Map());
  }

  async start(kafka: Kafka, admin: Admin, registry: SchemaRegistry, groupId: string, from: Map<number, number>): Promise<void> {
    // The fresh group starts where the run started: its offsets are set before it has a member.
    await admin.setOffsets({ groupId, topic: WINDOW_COUNTS_TOPIC, partitions: [...from].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
    const marker = Buffer.from(this.prefix);
    this.consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxWaitTimeInMs: 250 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: WINDOW_COUNTS_TOPIC, fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (!message.key || !message.value || !message.key.includes(marker)) return;
        const key = (await registry.decode(message.key)) as WindowCountKey;
        if (!key.sensorId.startsWith(this.prefix)) return;
        const id = `${key.sensorId}@${key.windowStart}`;
        const offset = Number(message.offset);
        this.offsets[partition]!.push(offset);
        this.windowOf[partition]!.set(offset, id);
        this.seenAt[partition]!.set(offset, performance.now());
        this.timestampOf[partition]!.set(offset, Number(message.timestamp));
        this.records += 1;
        this.windows.add(id);
        // The processor marks updates with a header; a final record has none.
        if (message.headers?.['iot.window.update'] !== undefined) this.updates += 1;
        else this.finals.add(id);
      },
    });
  }

  /** Each window's last record: `partition:offset`. */
  lastOfEachWindow(): Map<string, string> {
    const last = new Map<string, string>();
    this.offsets.forEach((offsets, partition) => {
      for (const offset of offsets) last.set(this.windowOf[partition]!.get(offset)!, `${partition}:${offset}`);
    });
    return last;
  }

  get allFinalsSeen(): boolean {
    return this.windows.size > 0 && this.finals.size === this.windows.size;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}

/** Compares one subscriber's offsets with the topic's, partition by partition. */
export function compare(expected: number[][], got: number[][]): { exact: boolean; missing: number; extra: number; disorder: number } {
  let missing = 0;
  let extra = 0;
  let disorder = 0;
  let exact = true;
  expected.forEach((want, partition) => {
    const have = got[partition] ?? [];
    if (have.length === want.length && have.every((offset, i) => offset === want[i])) return;
    exact = false;
    const wanted = new Set(want);
    const seen = new Set<number>();
    for (let i = 0; i < have.length; i += 1) {
      const offset = have[i]!;
      if (seen.has(offset) || (i > 0 && offset <= have[i - 1]!)) disorder += 1;
      seen.add(offset);
      if (!wanted.has(offset)) extra += 1;
    }
    for (const offset of want) if (!seen.has(offset)) missing += 1;
  });
  return { exact, missing, extra, disorder };
}

/** Whether a subscriber's last message of every window is the topic's last record of that window. */
export function hasEveryLatest(tally: TopicTally, lastOnTopic: Map<string, string>, got: number[][]): boolean {
  const lastReceived = new Map<string, string>();
  got.forEach((offsets, partition) => {
    for (const offset of offsets) {
      const window = tally.windowOf[partition]?.get(offset);
      if (window !== undefined) lastReceived.set(window, `${partition}:${offset}`);
    }
  });
  for (const [window, position] of lastOnTopic) if (lastReceived.get(window) !== position) return false;
  return true;
}

/** Counts the warn/error/fatal lines appended to the gateway's log since `from` (bytes). */
function gatewayLogSince(file: string, from: number): GatewayLog {
  const counts: Record<string, number> = {};
  const messages = new Map<string, number>();
  let text = '';
  try {
    const all = readFileSync(file);
    text = all.subarray(Math.min(from, all.length)).toString('utf8');
  } catch {
    return { file, counts: { unreadable: 1 }, messages: [] };
  }
  const names: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; error?: string; component?: string };
      const name = names[entry.level ?? 0];
      if (!name) continue;
      counts[name] = (counts[name] ?? 0) + 1;
      const message = `${name} ${entry.component ?? 'grpc-gateway'}: ${entry.msg ?? ''}${entry.error ? ` (${entry.error})` : ''}`;
      messages.set(message, (messages.get(message) ?? 0) + 1);
    } catch {
      // a line cut short
    }
  }
  return { file, counts, messages: [...messages].sort(([, a], [, b]) => b - a).map(([message, count]) => ({ message, count })) };
}

export function logSize(file: string): number {
  try {
    return readFileSync(file).length;
  } catch {
    return 0;
  }
}

export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]));
}

/** Waits until `done()` or `timeoutMs`; false on timeout. */
export async function until(done: () => boolean, timeoutMs: number, signal: AbortSignal, everyMs = 250): Promise<boolean> {
  const started = performance.now();
  while (!done()) {
    signal.throwIfAborted();
    if (performance.now() - started > timeoutMs) return false;
    await sleep(everyMs);
  }
  return true;
}

interface CpuMark {
  at: number;
  gateway: number;
  bench: number;
  machine: CpuMeter;
}

const cpuMark = (pid: number): CpuMark => {
  const used = process.cpuUsage();
  return { at: performance.now(), gateway: procStats(pid).cpuSeconds, bench: (used.user + used.system) / 1e6, machine: new CpuMeter() };
};

function cpuSince(mark: CpuMark, pid: number): { seconds: number; gatewayCores: number; benchCores: number; machineCores: number | null; gatewayCpuSeconds: number; benchCpuSeconds: number } {
  const now = cpuMark(pid);
  const seconds = (now.at - mark.at) / 1000;
  const machine = mark.machine.stop();
  return {
    seconds,
    gatewayCpuSeconds: now.gateway - mark.gateway,
    benchCpuSeconds: now.bench - mark.bench,
    gatewayCores: (now.gateway - mark.gateway) / seconds,
    benchCores: (now.bench - mark.bench) / seconds,
    machineCores: machine.machineCores,
  };
}

/**
 * Fan-out: `subscribers` StreamWindowCounts calls, all following the bench fleet, while the
 * simulator (in this process) produces the fleet's readings into iot.sensor-readings, through the
 * running stream processor. Every subscriber's messages are then compared, offset by offset,
 * with the fleet's records on iot.window-counts-1m, read back once all its windows have closed.
 */
async function runFanOut(options: GatewayBenchOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }, prefix: string, sensors: number): Promise<FanOutResult> {
  const { kafka, admin, registry } = harness;
  const fleet = fanOutFleet(prefix, sensors);
  const sensorIds = fleet.map((sensor) => sensor.id);
  const partitions = (await endOffsets(admin, WINDOW_COUNTS_TOPIC)).size;
  const subscribersBefore = (await gatewayMetric(options.metricsUrl, 'gateway_subscribers', `topic="${WINDOW_COUNTS_TOPIC}"`)) ?? 0;
  const rssBefore = procStats(options.gatewayPid).rssBytes;
  const sampler = new GatewaySampler(options.gatewayPid, options.metricsUrl);
  const channels = clients(options, options.channels);
  const subscribers: Subscriber[] = [];
  const tally = new TopicTally(partitions, prefix);
  let producer: Producer | undefined;
  let stoppedEarly: string | null = null;
  const stopProducing = new AbortController();
  const onAbort = () => stopProducing.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  const guard = setInterval(() => {
    if (MiB(sampler.lastRss) > options.rssLimitMiB && !stopProducing.signal.aborted) {
      stoppedEarly = `the gateway's RSS passed ${options.rssLimitMiB} MiB (${Math.round(MiB(sampler.lastRss))} MiB): production stopped, subscribers cancelled`;
      options.progress(`  ${stoppedEarly}`);
      stopProducing.abort();
      for (const subscriber of subscribers) subscriber.call.cancel();
    }
  }, 250);
  let released = false;
  let rssAfter = rssBefore;
  let afterSeconds = 0;
  try {
    options.progress(`gateway fan-out: ${options.subscribers.toLocaleString('en-US')} StreamWindowCounts subscribers on ${options.channels} connections to ${options.gatewayAddress}, each following ${fleet.length} sensors (${prefix}*)`);
    const fanStart = cpuMark(options.gatewayPid);
    const subscribeStarted = performance.now();
    for (let i = 0; i < options.subscribers; i += 1) {
      const call = channels[i % channels.length]!.StreamWindowCounts({ sensorIds, snapshotMinutes: 1 }, authMetadata(options.token));
      const arrivals = i % DELAY_SAMPLE_EVERY === 0 ? Array.from({ length: partitions }, (): number[] => []) : undefined;
      const subscriber: Subscriber = { call, offsets: Array.from({ length: partitions }, () => []), arrivals, received: 0, snapshotMessages: 0, ready: false, error: undefined };
      call.on('data', (event: WindowCountEvent__Output) => {
        if (event.windowCount) {
          if (event.snapshot) subscriber.snapshotMessages += 1;
          const position = event.position!;
          (subscriber.offsets[position.partition] ??= []).push(position.offset);
          arrivals?.[position.partition]?.push(performance.now());
          subscriber.received += 1;
        } else if (event.snapshotComplete) {
          subscriber.ready = true;
        }
      });
      call.on('error', (error: grpc.ServiceError) => {
        if (error.code !== grpc.status.CANCELLED) subscriber.error = `${grpc.status[error.code] ?? error.code}: ${error.details}`;
      });
      subscribers.push(subscriber);
    }
    const allReady = await until(() => subscribers.every((subscriber) => subscriber.ready || subscriber.error !== undefined), SUBSCRIBE_TIMEOUT_MS, options.signal);
    const subscribeSeconds = (performance.now() - subscribeStarted) / 1000;
    const failed = subscribers.filter((subscriber) => subscriber.error !== undefined);
    if (!allReady || failed.length > 0) {
      throw new Error(`${subscribers.filter((subscriber) => subscriber.ready).length} of ${subscribers.length} subscribers got their snapshot in ${subscribeSeconds.toFixed(1)} s${failed.length > 0 ? `; ${failed.length} failed, e.g. ${failed[0]!.error}` : ''}`);
    }
    options.progress(`  ${subscribers.length.toLocaleString('en-US')} subscribers past their snapshot in ${subscribeSeconds.toFixed(1)} s; gateway RSS ${Math.round(MiB(rssBefore))} -> ${Math.round(MiB(sampler.lastRss))} MiB`);

    const groupId = `bench-${options.runId}-windows`;
    resources.groups.add(groupId);
    await tally.start(kafka, admin, registry, groupId, await endOffsets(admin, WINDOW_COUNTS_TOPIC));

    const delivered = () => subscribers.reduce((sum, subscriber) => sum + subscriber.received, 0);
    options.progress(`  producing: ${fleet.length} sensors, a reading every ${READING_INTERVAL_MS} ms each (${Math.round((fleet.length * 1000) / READING_INTERVAL_MS)} readings/s), for ${options.seconds} s into the running pipeline`);
    producer = await connectIdempotentProducer(kafka);
    const produceStarted = performance.now();
    let steadyStart: { mark: CpuMark; delivered: number; topic: number } | undefined;
    let lastSecond = { at: produceStarted, delivered: delivered() };
    let peakMessagesPerSecond = 0;
    let lastProgress = produceStarted;
    const ticker = setInterval(() => {
      const now = performance.now();
      const total = delivered();
      peakMessagesPerSecond = Math.max(peakMessagesPerSecond, ((total - lastSecond.delivered) * 1000) / (now - lastSecond.at));
      lastSecond = { at: now, delivered: total };
      if (!steadyStart && now - produceStarted >= STEADY_AFTER_MS) steadyStart = { mark: cpuMark(options.gatewayPid), delivered: total, topic: tally.records };
      if (now - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = now;
        options.progress(`  ${((now - produceStarted) / 1000).toFixed(0).padStart(4)} s: ${tally.records.toLocaleString('en-US')} window records on the topic, ${total.toLocaleString('en-US')} messages delivered; gateway RSS ${Math.round(MiB(sampler.lastRss))} MiB, largest queue so far ${sampler.queueLargestMax}`);
      }
    }, 1000);
    let stats: SimulationStats;
    try {
      stats = await simulate(producer, registry, options.registryUrl, fleet, { durationMs: options.seconds * 1000, seed: 7, signal: stopProducing.signal });
    } finally {
      clearInterval(ticker);
    }
    options.signal.throwIfAborted();
    const produceEnded = performance.now();
    const deliveredAtEnd = delivered();
    const topicAtEnd = tally.records;
    const steady = steadyStart ?? { mark: cpuMark(options.gatewayPid), delivered: deliveredAtEnd, topic: topicAtEnd };
    const steadyCpu = cpuSince(steady.mark, options.gatewayPid);
    const producedSeconds = (produceEnded - produceStarted) / 1000;
    options.progress(`  produced ${stats.sent.toLocaleString('en-US')} readings in ${producedSeconds.toFixed(1)} s (errors ${stats.errors}); waiting for the fleet's windows to close (their final records)`);

    const finalsSeen = stoppedEarly === null && (await until(() => performance.now() - produceEnded > 3000 && tally.allFinalsSeen, FINALS_TIMEOUT_MS, options.signal, 500));
    if (stoppedEarly === null && !finalsSeen) options.progress(`  not every window closed in ${FINALS_TIMEOUT_MS / 1000} s (${tally.finals.size} of ${tally.windows.size}): comparing with the records there are`);
    const expectedTotal = tally.records * subscribers.length;
    let lastTotal = delivered();
    let lastChange = performance.now();
    let completeAt: number | undefined;
    await until(() => {
      const total = delivered();
      if (total !== lastTotal) {
        lastTotal = total;
        lastChange = performance.now();
      }
      if (subscribers.every((subscriber) => subscriber.received >= tally.records)) {
        completeAt ??= performance.now();
        return true;
      }
      return stoppedEarly !== null || performance.now() - lastChange > DELIVERY_STALL_MS;
    }, DELIVERY_TIMEOUT_MS, options.signal, 250);
    const fanCpu = cpuSince(fanStart, options.gatewayPid);

    // Exact check: each subscriber's offsets, partition by partition, against the topic's.
    const verified: FanOutResult['verified'] = { subscribersExact: 0, subscribersMismatched: 0, missing: 0, extra: 0, outOfOrderOrDuplicate: 0, subscribersWithEveryLatest: 0, snapshotMessages: 0, streamErrors: {}, examples: [] };
    const lastOnTopic = tally.lastOfEachWindow();
    const delays: number[] = [];
    subscribers.forEach((subscriber, i) => {
      if (hasEveryLatest(tally, lastOnTopic, subscriber.offsets)) verified.subscribersWithEveryLatest += 1;
      subscriber.arrivals?.forEach((times, partition) => {
        times.forEach((at, k) => {
          const seen = tally.seenAt[partition]?.get(subscriber.offsets[partition]![k]!);
          if (seen !== undefined) delays.push(at - seen);
        });
      });
      const result = compare(tally.offsets, subscriber.offsets);
      verified.snapshotMessages += subscriber.snapshotMessages;
      if (subscriber.error) verified.streamErrors[subscriber.error] = (verified.streamErrors[subscriber.error] ?? 0) + 1;
      if (result.exact) {
        verified.subscribersExact += 1;
        return;
      }
      verified.subscribersMismatched += 1;
      verified.missing += result.missing;
      verified.extra += result.extra;
      verified.outOfOrderOrDuplicate += result.disorder;
      if (verified.examples.length < 5) verified.examples.push(`subscriber ${i} (connection ${i % channels.length}): ${subscriber.received} received of ${tally.records}; missing ${result.missing}, not on the topic ${result.extra}, out of order or repeated ${result.disorder}${subscriber.error ? `; ended with ${subscriber.error}` : ''}`);
    });
    const total = delivered();
    const counts = subscribers.map((subscriber) => subscriber.received).sort((a, b) => a - b);
    const steadySeconds = (produceEnded - (steadyStart ? steady.mark.at : produceEnded)) / 1000;
    options.progress(`  ${verified.subscribersExact.toLocaleString('en-US')} of ${subscribers.length.toLocaleString('en-US')} subscribers received exactly the topic's ${tally.records.toLocaleString('en-US')} records; ${total.toLocaleString('en-US')} messages delivered`);

    for (const subscriber of subscribers) subscriber.call.cancel();
    for (const channel of channels) channel.close();
    const closedAt = performance.now();
    released = await subscribersReleased(options, subscribersBefore);
    await sleep(2000); // let the gateway settle (GC) before the "after" sample
    sampler.sampleRss();
    rssAfter = sampler.lastRss;
    afterSeconds = (performance.now() - closedAt) / 1000;

    return {
      subscribers: subscribers.length,
      channels: channels.length,
      sensors: fleet.length,
      readingIntervalMs: READING_INTERVAL_MS,
      seconds: options.seconds,
      prefix,
      produced: { sent: stats.sent, errors: stats.errors, seconds: producedSeconds },
      subscribeSeconds,
      topic: {
        records: tally.records,
        updates: tally.updates,
        finals: tally.finals.size,
        windows: tally.windows.size,
        allFinalsSeen: tally.allFinalsSeen,
        recordsPerSecondWhileProducing: topicAtEnd / producedSeconds,
      },
      delivered: {
        messages: total,
        expected: expectedTotal,
        steadyMessagesPerSecond: steadySeconds > 0 ? (deliveredAtEnd - steady.delivered) / steadySeconds : Number.NaN,
        steadyTopicRecordsPerSecond: steadySeconds > 0 ? (topicAtEnd - steady.topic) / steadySeconds : Number.NaN,
        steadySeconds,
        behindAtProductionEnd: topicAtEnd * subscribers.length - deliveredAtEnd,
        completeAfterProductionSeconds: completeAt === undefined ? null : (completeAt - produceEnded) / 1000,
        peakMessagesPerSecond,
      },
      verified,
      perSubscriber: { min: counts[0] ?? 0, median: counts[Math.floor(counts.length / 2)] ?? 0, max: counts.at(-1) ?? 0 },
      deliveryDelayMs: quantiles(delays),
      queueLargestMax: sampler.queueLargestMax,
      gatewayRss: { beforeMiB: MiB(rssBefore), peakMiB: MiB(sampler.peakRss), afterMiB: MiB(rssAfter), afterSeconds },
      cpu: {
        gatewayCores: steadyCpu.gatewayCores,
        benchCores: steadyCpu.benchCores,
        machineCores: steadyCpu.machineCores,
        gatewayCpuSeconds: fanCpu.gatewayCpuSeconds,
        benchCpuSeconds: fanCpu.benchCpuSeconds,
        totalSeconds: fanCpu.seconds,
      },
      benchRssPeakMiB: sampler.benchPeakMiB,
      subscribersReleased: released,
      stoppedEarly,
    };
  } finally {
    clearInterval(guard);
    options.signal.removeEventListener('abort', onAbort);
    for (const subscriber of subscribers) subscriber.call.cancel();
    for (const channel of channels) channel.close();
    sampler.stop();
    await tally.stop().catch((error: unknown) => options.progress(`  stopping the topic consumer failed: ${(error as Error).message}`));
    await producer?.disconnect().catch(() => undefined);
  }
}

/** A value `beyond` the type's RANGE band (a fraction of its width above the max): CRITICAL beyond 10%. */
export function outOfRange(type: SensorType, beyond = 0.2): number {
  const limits = DEFAULT_ALERT_RULES.types[type];
  if (!limits) throw new Error(`no RANGE limits for sensor type ${type} in DEFAULT_ALERT_RULES`);
  return limits.max + beyond * (limits.max - limits.min);
}

/**
 * Latency: for each of `latencySamples` fresh sensors, 3 readings in a row above its type's RANGE
 * band (the rule opens after 3), produced as the simulator produces them; timed from the 3rd
 * reading's acknowledgement (and from just before its send) to the OPEN RANGE alert reaching a
 * StreamAlerts subscriber filtered to these sensors.
 */
async function runLatency(options: GatewayBenchOptions, harness: { kafka: Kafka; registry: SchemaRegistry }, prefix: string): Promise<LatencyResult> {
  const types = Object.keys(SENSOR_TYPES) as SensorType[];
  const sensors = Array.from({ length: options.latencySamples }, (_, i) => {
    const type = types[i % types.length]!;
    return { id: `${prefix}lat-${String(i).padStart(3, '0')}`, type, siteId: `${prefix}lat`, unit: SENSOR_TYPES[type].unit, value: outOfRange(type) };
  });
  const [client] = clients(options, 1);
  const sender: ReadingSender = createReadingSender(harness.kafka, harness.registry, options.registryUrl);
  const arrived = new Map<string, number>();
  let ready = false;
  let streamError: string | undefined;
  const call = client!.StreamAlerts({ sensorIds: sensors.map((sensor) => sensor.id) }, authMetadata(options.token));
  call.on('data', (event: AlertEvent__Output) => {
    if (event.snapshotComplete) ready = true;
    const alert = event.alert;
    if (!alert || event.snapshot || alert.rule !== 'ALERT_RULE_RANGE' || alert.state !== 'ALERT_STATE_OPEN') return;
    if (!arrived.has(alert.sensorId)) arrived.set(alert.sensorId, performance.now());
  });
  call.on('error', (error: grpc.ServiceError) => {
    if (error.code !== grpc.status.CANCELLED) streamError = `${grpc.status[error.code] ?? error.code}: ${error.details}`;
  });
  try {
    options.progress(`gateway latency: ${sensors.length} sensors, each 3 readings above its RANGE band, one sensor every ${options.latencySpacingMs} ms; StreamAlerts subscriber on ${options.gatewayAddress}`);
    if (!(await until(() => ready || streamError !== undefined, 30_000, options.signal)) || streamError) {
      throw new Error(`the StreamAlerts subscriber got no snapshot: ${streamError ?? 'timed out after 30 s'}`);
    }
    // Warm-up, not measured: the sender registers the schemas and connects its producer at its first send.
    const warmType = types[0]!;
    const limits = DEFAULT_ALERT_RULES.types[warmType]!;
    await sender.send([{ sensorId: `${prefix}lat-warmup`, sensorType: warmType, siteId: `${prefix}lat`, timestamp: Date.now(), value: (limits.min + limits.max) / 2, unit: SENSOR_TYPES[warmType].unit }]);

    const cpu = cpuMark(options.gatewayPid);
    const sentAt = new Map<string, { beforeSend: number; acked: number }>();
    const started = performance.now();
    for (const [i, sensor] of sensors.entries()) {
      options.signal.throwIfAborted();
      const wait = started + i * options.latencySpacingMs - performance.now();
      if (wait > 0) await sleep(wait);
      const reading = (): SensorReading => ({ sensorId: sensor.id, sensorType: sensor.type, siteId: sensor.siteId, timestamp: Date.now(), value: sensor.value, unit: sensor.unit });
      await sender.send([reading()]);
      await sender.send([reading()]);
      const beforeSend = performance.now();
      await sender.send([reading()]);
      sentAt.set(sensor.id, { beforeSend, acked: performance.now() });
    }
    await until(() => arrived.size >= sensors.length || streamError !== undefined, ALERT_TIMEOUT_MS, options.signal, 50);
    const used = cpuSince(cpu, options.gatewayPid);
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    const sendMs: number[] = [];
    for (const sensor of sensors) {
      const sent = sentAt.get(sensor.id)!;
      sendMs.push(sent.acked - sent.beforeSend);
      const at = arrived.get(sensor.id);
      if (at === undefined) continue;
      fromAck.push(at - sent.acked);
      fromSend.push(at - sent.beforeSend);
    }
    const result: LatencyResult = {
      samples: sensors.length,
      spacingMs: options.latencySpacingMs,
      received: fromAck.length,
      fromAck: quantiles(fromAck),
      fromSend: quantiles(fromSend),
      sendMs: quantiles(sendMs),
      missingSensors: sensors.filter((sensor) => !arrived.has(sensor.id)).map((sensor) => sensor.id),
      gatewayCores: used.gatewayCores,
    };
    options.progress(`  ${result.received} of ${result.samples} OPEN RANGE alerts arrived; from the ack p50 ${result.fromAck?.p50.toFixed(1) ?? 'n/a'} ms, max ${result.fromAck?.max.toFixed(1) ?? 'n/a'} ms${streamError ? `; the stream ended with ${streamError}` : ''}`);
    return result;
  } finally {
    call.cancel();
    client!.close();
    await sender.close().catch(() => undefined);
  }
}

/**
 * The gateway under load: fan-out of the fleet's window counts to many subscribers, then the
 * latency from a reading to its alert at a subscriber. Both feed iot.sensor-readings, so the
 * running pipeline processes the bench's readings (sensor ids prefixed b<4 hex of the run id>-).
 */
export async function runGatewayBench(options: GatewayBenchOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }): Promise<GatewayResult> {
  const prefix = `b${options.runId.slice(-4)}-`;
  const logFrom = logSize(options.gatewayLogFile);
  const fanOuts: FanOutResult[] = [];
  for (const sensors of options.sensorSteps) {
    options.progress(`gateway fan-out step: ${sensors} sensors`);
    fanOuts.push(await runFanOut(options, resources, harness, `${prefix}s${sensors}-`, sensors));
    options.signal.throwIfAborted();
    if (fanOuts.at(-1)!.stoppedEarly) break; // the gateway's memory passed the limit: no bigger step
  }
  const latency = await runLatency(options, harness, prefix);
  const exact = fanOuts.filter((fanOut) => fanOut.stoppedEarly === null && fanOut.topic.records > 0 && fanOut.verified.subscribersExact === fanOut.subscribers);
  return {
    gatewayAddress: options.gatewayAddress,
    gatewayPid: options.gatewayPid,
    fanOuts,
    largestExactSensors: exact.length === 0 ? null : Math.max(...exact.map((fanOut) => fanOut.sensors)),
    latency,
    gatewayLog: gatewayLogSince(options.gatewayLogFile, logFrom),
    verified: {
      deliveriesSound: fanOuts.every((fanOut) => fanOut.stoppedEarly === null && fanOut.topic.records > 0 && fanOut.verified.extra === 0 && fanOut.verified.outOfOrderOrDuplicate === 0 && fanOut.verified.subscribersWithEveryLatest === fanOut.subscribers),
      everyAlertArrived: latency.received === latency.samples,
    },
  };
}

