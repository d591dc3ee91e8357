import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Alert, AlertKey, WindowCount, WindowCountKey } from '@iot/contracts';
import { CatchUp } from '@iot/runtime';
import { BENCH_COMPACTION_OVERRIDES, processorTopics, type BenchInput, type InputFill } from './bench-input.ts';
import { createTopicLike } from './kafka-tools.ts';
import { ensureKafkaStreamsJar, runKafkaStreams, type KafkaStreamsResult } from './kafka-streams.ts';
import type { Resources } from './support.ts';
import { median, runProcessorOnce, WINDOW_RULES } from './throughput.ts';

/**
 * 5. Kafka Streams baseline: our StreamProcessor and a Kafka Streams 3.9.1 application
 * (bench/kafka-streams) computing the same windows and RANGE alerts on the run's shared
 * pre-filled input (bench-input.ts: it carries RANGE faults), each timed from its start to its
 * committed end offsets. Rounds alternate which side goes first, so that neither always gets the
 * warmer page cache or the quieter machine; the first round's outputs are compared record by record.
 */

export interface KafkaStreamsBenchOptions {
  readonly runId: string;
  /** Rounds of one run each; the ratio is of the medians. */
  readonly rounds: number;
  readonly commitIntervalMs: number;
  /** Kafka Streams: stream threads, store type, JVM heap. */
  readonly threads: number;
  readonly store: 'memory' | 'rocksdb';
  readonly heapMiB: number;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface OursResult {
  applicationId: string;
  /** processor.start() until the group's committed offsets reached the end of every input partition. */
  seconds: number;
  readingsPerSecond: number;
  startupSeconds: number;
  processingReadingsPerSecond: number;
  consumed: number;
  processed: number;
  late: number;
  deadLettered: Record<string, number>;
  windowRecords: Record<string, number>;
  alertRecords: Record<string, number>;
  rssPeakMiB: number;
  cpu: { processCores: number; machineCores: number | null };
  log: { file: string; counts: Record<string, number> };
}

export interface Agreement {
  windows: {
    /** Final window records of ours, and window records of Kafka Streams (finals only). */
    ours: number;
    kafkaStreams: number;
    /** Windows ours had not closed when the input ended (updates only): no final on either side. */
    oursStillOpen: number;
    matching: number;
    missingInKafkaStreams: number;
    extraInKafkaStreams: number;
    /** Same window, different count/min/max/sum/mean/first/last event time. */
    differing: number;
    examples: string[];
  };
  alerts: {
    /** RANGE alert occurrences (alertIds) on each side; ours also raises ZSCORE, RATE_OF_CHANGE and SILENCE, not compared. */
    ours: number;
    kafkaStreams: number;
    matching: number;
    missingInKafkaStreams: number;
    extraInKafkaStreams: number;
    /** Same alertId, a different opening (trigger, threshold, severity) or clearing (time, peak, severity). */
    differing: number;
    /** RANGE records per state on each side (refreshes by the wall clock exist on ours only, so these may differ). */
    oursRecords: Record<string, number>;
    kafkaStreamsRecords: Record<string, number>;
    examples: string[];
  };
  agree: boolean;
}

/** One round: both sides on the same input, in the order given. */
export interface KafkaStreamsRound {
  first: 'ours' | 'kafka-streams';
  oursReadingsPerSecond: number;
  kafkaStreamsReadingsPerSecond: number;
  /** ours / Kafka Streams within the round */
  ratio: number;
}

export interface KafkaStreamsBenchResult {
  readings: number;
  sensors: number;
  partitions: number;
  commitIntervalMs: number;
  topics: { input: string; ours: { windowCounts: string; alerts: string }; kafkaStreams: { windowCounts: string; alerts: string } };
  /** Readings outside their type's band (input.faultReadings), so that both sides raise and clear RANGE alerts. */
  faultReadings: number;
  /** Pre-filling the shared input (not measured); the details are in `input`. */
  fill: { seconds: number; eventTimeSpanSeconds: number };
  input: InputFill;
  jar: { built: boolean; buildSeconds: number | null };
  /** The first round's runs in detail (their outputs are the ones compared). */
  ours: OursResult;
  kafkaStreams: KafkaStreamsResult & { applicationId: string; threads: number; store: string; heapMiB: number };
  rounds: KafkaStreamsRound[];
  median: { oursReadingsPerSecond: number; kafkaStreamsReadingsPerSecond: number };
  /** median.oursReadingsPerSecond / median.kafkaStreamsReadingsPerSecond */
  ratio: number;
  /** Of the first round's outputs. */
  agreement: Agreement;
}

const MAX_PROCESSING_MS = 20 * 60_000;
const READ_BACK_TIMEOUT_MS = 120_000;

/** Our StreamProcessor, wired and timed as the throughput benchmark does it (runProcessorOnce), on the section's topics. */
async function runOurs(input: BenchInput, name: string, options: KafkaStreamsBenchOptions, resources: Resources, admin: Admin): Promise<OursResult> {
  options.progress(`kafka-streams section: our StreamProcessor on ${input.topics.readings}`);
  const run = await runProcessorOnce(input, name, options, resources, admin);
  options.progress(`  ours: ${Math.round(run.readingsPerSecond).toLocaleString('en-US')} readings/s (${run.seconds.toFixed(1)} s)`);
  return {
    applicationId: run.applicationId,
    seconds: run.seconds,
    readingsPerSecond: run.readingsPerSecond,
    startupSeconds: run.startupSeconds,
    processingReadingsPerSecond: run.processingReadingsPerSecond,
    consumed: run.metrics.consumed,
    processed: run.metrics.processed,
    late: run.metrics.late,
    deadLettered: run.metrics.deadLettered,
    windowRecords: run.metrics.windowRecords,
    alertRecords: run.metrics.alertRecords,
    rssPeakMiB: run.rss.peakMiB,
    cpu: run.cpu,
    log: { file: run.processorLog.file, counts: run.processorLog.counts },
  };
}

interface Decoded<K, V> {
  key: K;
  value: V | null;
}

/** Every record of `topic` (read_committed, from the beginning to the end offsets of now), keys and values decoded through the registry. */
export async function readTopic<K, V>(kafka: Kafka, registry: SchemaRegistry, topic: string, groupId: string, resources: Resources): Promise<Array<Decoded<K, V>>> {
  resources.groups.add(groupId);
  const admin = kafka.admin();
  await admin.connect();
  const records: Array<Decoded<K, V>> = [];
  try {
    const catchUp = new CatchUp((await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) })));
    if (catchUp.caughtUp) return records;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => catchUp.consumed(payload.partition, Number(payload.lastOffset), Number(payload.offsetLag)));
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (!message.key) continue;
            records.push({ key: (await registry.decode(message.key)) as K, value: message.value ? ((await registry.decode(message.value)) as V) : null });
          }
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`reading ${topic} back did not reach its end offsets in ${READ_BACK_TIMEOUT_MS / 1000} s (partitions ${catchUp.pendingPartitions.join(', ')})`)), READ_BACK_TIMEOUT_MS);
      });
      await Promise.race([catchUp.ready, timeout]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect();
    }
    return records;
  } finally {
    await admin.disconnect();
  }
}

const windowId = (sensorId: string, windowStart: number): string => `${sensorId}@${new Date(windowStart).toISOString()}`;

/** What both sides must agree on for a window (the record's `final` flag aside). */
function windowFacts(window: WindowCount): string {
  return JSON.stringify([window.windowEnd, window.count, window.min, window.max, window.sum, window.mean, window.firstEventTime, window.lastEventTime]);
}

/** An alert occurrence's opening and clearing, the parts fixed by the readings (no wall clock). */
function alertFacts(records: readonly Alert[]): string {
  const opened = records.find((alert) => alert.state === 'OPEN');
  const cleared = records.find((alert) => alert.state === 'CLEARED');
  return JSON.stringify({
    opened: opened && [opened.sensorType, opened.siteId, opened.openedAt, opened.triggerValue, opened.threshold, opened.severity],
    cleared: cleared && [cleared.clearedAt, cleared.peakValue, cleared.severity, cleared.lastSeenAt],
  });
}

function compareMaps(ours: ReadonlyMap<string, string>, theirs: ReadonlyMap<string, string>, examples: string[]): { matching: number; missing: number; extra: number; differing: number } {
  let matching = 0;
  let missing = 0;
  let differing = 0;
  for (const [id, facts] of ours) {
    const other = theirs.get(id);
    if (other === undefined) {
      missing += 1;
      if (examples.length < 8) examples.push(`${id}: only in ours ${facts}`);
    } else if (other !== facts) {
      differing += 1;
      if (examples.length < 8) examples.push(`${id}: ours ${facts}, Kafka Streams ${other}`);
    } else {
      matching += 1;
    }
  }
  const extra = [...theirs.keys()].filter((id) => !ours.has(id));
  for (const id of extra.slice(0, Math.max(0, 8 - examples.length))) examples.push(`${id}: only in Kafka Streams ${theirs.get(id)}`);
  return { matching, missing, extra: extra.length, differing };
}

async function compareOutputs(kafka: Kafka, registry: SchemaRegistry, runId: string, topics: KafkaStreamsBenchResult['topics'], resources: Resources): Promise<Agreement> {
  const read = <K, V>(topic: string, name: string) => readTopic<K, V>(kafka, registry, topic, `bench-${runId}-read-${name}`, resources);
  const [oursWindows, theirWindows, oursAlerts, theirAlerts] = await Promise.all([
    read<WindowCountKey, WindowCount>(topics.ours.windowCounts, 'ours-windows'),
    read<WindowCountKey, WindowCount>(topics.kafkaStreams.windowCounts, 'ks-windows'),
    read<AlertKey, Alert>(topics.ours.alerts, 'ours-alerts'),
    read<AlertKey, Alert>(topics.kafkaStreams.alerts, 'ks-alerts'),
  ]);

  const finals = new Map<string, string>();
  const open = new Set<string>();
  for (const { value } of oursWindows) {
    if (!value) continue;
    const id = windowId(value.sensorId, value.windowStart);
    if (value.final) {
      finals.set(id, windowFacts(value));
      open.delete(id);
    } else if (!finals.has(id)) {
      open.add(id);
    }
  }
  const theirFinals = new Map(theirWindows.flatMap(({ value }) => (value ? [[windowId(value.sensorId, value.windowStart), windowFacts(value)] as const] : [])));
  const windowExamples: string[] = [];
  const windows = compareMaps(finals, theirFinals, windowExamples);

  const occurrences = (records: Array<Decoded<AlertKey, Alert>>) => {
    const byId = new Map<string, Alert[]>();
    const byState: Record<string, number> = {};
    for (const { key, value } of records) {
      if (key.rule !== 'RANGE') continue;
      byState[value?.state ?? 'tombstone'] = (byState[value?.state ?? 'tombstone'] ?? 0) + 1;
      if (!value) continue;
      const list = byId.get(value.alertId) ?? [];
      list.push(value);
      byId.set(value.alertId, list);
    }
    return { facts: new Map([...byId].map(([id, list]) => [id, alertFacts(list)])), byState };
  };
  const oursRange = occurrences(oursAlerts);
  const theirRange = occurrences(theirAlerts);
  const alertExamples: string[] = [];
  const alerts = compareMaps(oursRange.facts, theirRange.facts, alertExamples);

  const agree = windows.missing === 0 && windows.extra === 0 && windows.differing === 0 && alerts.missing === 0 && alerts.extra === 0 && alerts.differing === 0;
  return {
    windows: {
      ours: finals.size, kafkaStreams: theirFinals.size, oursStillOpen: open.size, matching: windows.matching,
      missingInKafkaStreams: windows.missing, extraInKafkaStreams: windows.extra, differing: windows.differing, examples: windowExamples,
    },
    alerts: {
      ours: oursRange.facts.size, kafkaStreams: theirRange.facts.size, matching: alerts.matching,
      missingInKafkaStreams: alerts.missing, extraInKafkaStreams: alerts.extra, differing: alerts.differing,
      oursRecords: oursRange.byState, kafkaStreamsRecords: theirRange.byState, examples: alertExamples,
    },
    agree,
  };
}

type KafkaStreamsRun = KafkaStreamsBenchResult['kafkaStreams'];

/** The Kafka Streams application once, into fresh output topics named after `name`. */
async function runKafkaStreamsOnce(jar: string, input: BenchInput, name: string, options: KafkaStreamsBenchOptions, resources: Resources, admin: Admin): Promise<{ run: KafkaStreamsRun; topics: { windowCounts: string; alerts: string } }> {
  const topics = { windowCounts: `bench.${name}.ks.window-counts`, alerts: `bench.${name}.ks.alerts` };
  const applicationId = `bench-${name}-ks`;
  resources.groups.add(applicationId);
  await createTopicLike(admin, topics.windowCounts, 'iot.window-counts-1m', resources, BENCH_COMPACTION_OVERRIDES);
  await createTopicLike(admin, topics.alerts, 'iot.alerts', resources, BENCH_COMPACTION_OVERRIDES);
  for (const topic of [topics.windowCounts, topics.alerts]) resources.subjectTopics.add(topic);
  const workDir = join(options.outDir, `kafka-streams-${name}`);
  let result: KafkaStreamsResult;
  try {
    options.progress(`kafka-streams section: Kafka Streams (application id ${applicationId}, ${options.threads} stream thread(s), ${options.store} stores, -Xmx${options.heapMiB}m) on ${input.topics.readings}`);
    result = await runKafkaStreams(jar, {
      applicationId,
      input: input.topics.readings,
      windowCounts: topics.windowCounts,
      alerts: topics.alerts,
      brokers: options.brokers,
      registryUrl: options.registryUrl,
      graceMs: WINDOW_RULES.graceMs,
      commitIntervalMs: options.commitIntervalMs,
      threads: options.threads,
      store: options.store,
      heapMiB: options.heapMiB,
      workDir,
      logFile: join(options.outDir, `kafka-streams-${name}.log`),
      timeoutMs: MAX_PROCESSING_MS,
      signal: options.signal,
      progress: options.progress,
    });
  } finally {
    // Its internal topics (store changelogs) are named after the application id.
    try {
      for (const topic of await admin.listTopics()) if (topic.startsWith(`${applicationId}-`)) resources.topics.add(topic);
    } catch (error) {
      options.progress(`  listing Kafka Streams' internal topics (${applicationId}-*) for the cleanup failed: ${(error as Error).message}`);
    }
    rmSync(workDir, { recursive: true, force: true });
  }
  options.progress(`  Kafka Streams: ${Math.round(result.caughtUp.readingsPerSecond).toLocaleString('en-US')} readings/s (${result.caughtUp.seconds.toFixed(1)} s)`);
  return { run: { ...result, applicationId, threads: options.threads, store: options.store, heapMiB: options.heapMiB }, topics };
}

/**
 * Runs our StreamProcessor and the Kafka Streams baseline on the shared input, `rounds` times,
 * alternating which goes first, and compares the first round's outputs.
 */
export async function runKafkaStreamsBench(input: BenchInput, options: KafkaStreamsBenchOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }): Promise<KafkaStreamsBenchResult> {
  const { admin } = harness;
  if (options.rounds < 1) throw new Error('kafka-streams: rounds must be at least 1');
  const jar = await ensureKafkaStreamsJar({ logFile: join(options.outDir, `kafka-streams-build-${options.runId}.log`), signal: options.signal, progress: options.progress });

  const rounds: KafkaStreamsRound[] = [];
  let firstRound: { ours: OursResult; kafkaStreams: KafkaStreamsRun; topics: KafkaStreamsBenchResult['topics'] } | undefined;
  for (let index = 0; index < options.rounds; index += 1) {
    const name = `${options.runId}.vs${index + 1}`;
    const first = index % 2 === 0 ? 'ours' : 'kafka-streams';
    options.progress(`kafka-streams section: round ${index + 1} of ${options.rounds}, ${first === 'ours' ? 'ours first' : 'Kafka Streams first'}`);
    const oursFirst = first === 'ours' ? await runOurs(input, name, options, resources, admin) : undefined;
    const theirs = await runKafkaStreamsOnce(jar.jar, input, name, options, resources, admin);
    const ours = oursFirst ?? (await runOurs(input, name, options, resources, admin));
    const round = { first, oursReadingsPerSecond: ours.readingsPerSecond, kafkaStreamsReadingsPerSecond: theirs.run.caughtUp.readingsPerSecond } as const;
    rounds.push({ ...round, ratio: round.oursReadingsPerSecond / round.kafkaStreamsReadingsPerSecond });
    if (firstRound === undefined) {
      const ourTopics = processorTopics(input, name);
      firstRound = { ours, kafkaStreams: theirs.run, topics: { input: input.topics.readings, ours: { windowCounts: ourTopics.windowCounts, alerts: ourTopics.alerts }, kafkaStreams: theirs.topics } };
    }
  }
  const { ours, kafkaStreams, topics } = firstRound!;
  const medians = {
    oursReadingsPerSecond: median(rounds.map((round) => round.oursReadingsPerSecond)),
    kafkaStreamsReadingsPerSecond: median(rounds.map((round) => round.kafkaStreamsReadingsPerSecond)),
  };

  options.progress('kafka-streams section: reading both outputs back and comparing them');
  const agreement = await compareOutputs(harness.kafka, harness.registry, options.runId, topics, resources);
  return {
    readings: input.fill.readings,
    sensors: input.fill.sensors,
    partitions: input.fill.partitions,
    commitIntervalMs: options.commitIntervalMs,
    topics,
    faultReadings: input.fill.faultReadings,
    fill: { seconds: input.fill.seconds, eventTimeSpanSeconds: input.fill.eventTimeSpanSeconds },
    input: input.fill,
    jar: { built: jar.built, buildSeconds: jar.buildSeconds },
    ours,
    kafkaStreams,
    rounds,
    median: medians,
    ratio: medians.oursReadingsPerSecond / medians.kafkaStreamsReadingsPerSecond,
    agreement,
  };
}
