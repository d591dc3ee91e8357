import { performance } from 'node:perf_hooks';
import type { Admin, Kafka, Message } from 'kafkajs';
import type { WindowCount } from '@iot/contracts';
import { SENSOR_TYPES, type SensorType } from '@iot/producers/src/fleet.ts';
import { seededRandom, sensorValue } from '@iot/producers/src/signal.ts';
import { connectIdempotentProducer } from '@iot/runtime';
import { restorePartitions } from '@iot/stream-processor/restore';
import { CpuMeter, RssSampler, type Resources } from './support.ts';

/** What the processor folds a changelog into, taken from restorePartitions' own type. */
type Restored = Awaited<ReturnType<typeof restorePartitions>> extends Map<number, infer S> ? S : never;
type SensorState = Restored['sensors'] extends Map<string, infer T> ? T : never;

export interface RestoreOptions {
  readonly runId: string;
  readonly records: number;
  readonly sensors: number;
  readonly runs: number;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
  /** Called between runs, so one run's garbage does not inflate the next one's RSS (global.gc when exposed). */
  readonly collectGarbage: () => void;
}

export interface RestoreRun {
  seconds: number;
  records: number;
  recordsPerSecond: number;
  openWindows: number;
  sensors: number;
  streamTime: number;
  /** The folded state equals what the written records describe. */
  stateMatches: boolean;
  /** RSS just before the run (after a GC when exposed), and the peak during it. */
  rssBeforeMiB: number;
  rssPeakMiB: number;
  /** Cores busy on average during the restore: this process, and the whole machine. */
  cpu: { processCores: number; machineCores: number | null };
}

export interface RestoreResult {
  topic: string;
  topicConfig: Record<string, string>;
  written: {
    records: number;
    byKind: Record<ChangelogKind, number>;
    distinctKeys: number;
    payloadMiB: number;
    produceSeconds: number;
    eventTimeSpanSeconds: number;
  };
  expected: { openWindows: number; sensors: number; streamTime: number };
  runs: RestoreRun[];
}

type ChangelogKind = 'window-update' | 'window-tombstone' | 'sensor-state' | 'stream-time';

/**
 * Compacted like the processor's changelog, but the cleaner cannot touch what the bench writes:
 * one 1 GiB segment (the active segment is never cleaned) and a week of min.compaction.lag.ms.
 * So every restore reads all the records written: the worst case, an uncompacted changelog.
 */
const CHANGELOG_CONFIG: Record<string, string> = {
  'cleanup.policy': 'compact',
  'segment.bytes': String(1024 ** 3),
  'segment.ms': String(7 * 24 * 3600 * 1000),
  'min.compaction.lag.ms': String(7 * 24 * 3600 * 1000),
};

/** The processor commits every 100 ms; at 1,000 readings/s a commit covers 100 readings. */
const READINGS_PER_SECOND = 1000;
const COMMIT_EVERY_MS = 100;
const GRACE_MS = 10_000;
const WINDOW_MS = 60_000;
const MAX_MESSAGES_PER_SEND = 5000;

/**
 * Generates the changelog one input partition's task writes, commit by commit, in the format of
 * stream-processor/src/state-changelog.ts: `sensors` sensors reading every `sensors/1000` s
 * (1,000 readings/s); each commit writes the windows it changed (JSON WindowCount), tombstones
 * for the windows that closed (stream time past end + 10 s grace), the changed sensors' detector
 * state (JSON SensorState) and the stream time. Stops at exactly `total` records.
 */
function* changelogCommits(total: number, sensorCount: number, startTime: number): Generator<Array<{ kind: ChangelogKind; key: string; value: string | null }>> {
  const types = Object.keys(SENSOR_TYPES) as SensorType[];
  const sensors = Array.from({ length: sensorCount }, (_, i) => {
    const type = types[i % types.length]!;
    return { id: `bench-sensor-${String(i).padStart(5, '0')}`, type, siteId: `bench-site-${i % 20}`, unit: SENSOR_TYPES[type].unit };
  });
  const states = new Map<string, SensorState>();
  const windows = new Map<string, WindowCount>();
  const random = seededRandom(7);
  const alpha = 0.05;
  let written = 0;
  let reading = 0;
  let streamTime = Number.NEGATIVE_INFINITY;
  const perCommit = (READINGS_PER_SECOND * COMMIT_EVERY_MS) / 1000;
  while (written < total) {
    const commit: Array<{ kind: ChangelogKind; key: string; value: string | null }> = [];
    const changedWindows = new Set<string>();
    const changedSensors = new Set<string>();
    for (let i = 0; i < perCommit; i += 1, reading += 1) {
      const sensor = sensors[reading % sensors.length]!;
      const timestamp = startTime + Math.floor((reading * 1000) / READINGS_PER_SECOND);
      const value = sensorValue(sensor, timestamp, random);
      streamTime = Math.max(streamTime, timestamp);
      const windowStart = Math.floor(timestamp / WINDOW_MS) * WINDOW_MS;
      const windowKey = JSON.stringify(['window', sensor.id, windowStart]);
      const window = windows.get(windowKey);
      if (window) {
        window.count += 1;
        window.min = Math.min(window.min, value);
        window.max = Math.max(window.max, value);
        window.sum += value;
        window.mean = window.sum / window.count;
        window.lastEventTime = Math.max(window.lastEventTime ?? timestamp, timestamp);
      } else {
        windows.set(windowKey, { sensorId: sensor.id, windowStart, windowEnd: windowStart + WINDOW_MS, count: 1, min: value, max: value, sum: value, mean: value, firstEventTime: timestamp, lastEventTime: timestamp, final: false });
      }
      changedWindows.add(windowKey);
      let state = states.get(sensor.id);
      if (!state) {
        state = { sensorId: sensor.id, sensorType: sensor.type, siteId: sensor.siteId, unit: sensor.unit, lastEventTime: timestamp, baseline: { mean: value, variance: 0, samples: 0, outliers: 0 }, last: null, lifecycles: {} };
        states.set(sensor.id, state);
      }
      const delta = value - state.baseline.mean;
      state.baseline.mean += alpha * delta;
      state.baseline.variance = (1 - alpha) * (state.baseline.variance + alpha * delta * delta);
      state.baseline.samples += 1;
      state.lastEventTime = Math.max(state.lastEventTime, timestamp);
      state.last = { timestamp, value };
      changedSensors.add(sensor.id);
    }
    // The flush order of the processor: windows (closed ones as tombstones), sensors, stream time.
    for (const [key, window] of windows) {
      if (window.windowEnd + GRACE_MS <= streamTime) {
        commit.push({ kind: 'window-tombstone', key, value: null });
        windows.delete(key);
        changedWindows.delete(key);
      } else if (changedWindows.has(key)) {
        commit.push({ kind: 'window-update', key, value: JSON.stringify(window) });
      }
    }
    for (const sensorId of changedSensors) commit.push({ kind: 'sensor-state', key: JSON.stringify(['sensor', sensorId]), value: JSON.stringify(states.get(sensorId)) });
    commit.push({ kind: 'stream-time', key: JSON.stringify(['stream-time']), value: JSON.stringify({ streamTime }) });
    const taken = commit.slice(0, total - written);
    written += taken.length;
    yield taken;
  }
}

/**
 * State restore from a changelog of `records` records: writes them to a one-partition bench
 * changelog topic, then times `restorePartitions(kafka, topic, [0])` — the function the processor
 * runs for every newly assigned partition — `runs` times.
 */
export async function runRestore(options: RestoreOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin }): Promise<RestoreResult> {
  const { kafka, admin } = harness;
  const topic = `bench.${options.runId}.state-changelog`;
  resources.topics.add(topic);
  options.progress(`restore: creating ${topic} (1 partition, ${Object.entries(CHANGELOG_CONFIG).map(([k, v]) => `${k}=${v}`).join(', ')}), writing ${options.records.toLocaleString('en-US')} changelog records`);
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: Object.entries(CHANGELOG_CONFIG).map(([name, value]) => ({ name, value })) }],
  });

  const byKind: Record<ChangelogKind, number> = { 'window-update': 0, 'window-tombstone': 0, 'sensor-state': 0, 'stream-time': 0 };
  // What foldChangelog must arrive at: the latest record per key, tombstones deleting.
  const latest = new Map<string, string>();
  const keys = new Set<string>();
  let payloadBytes = 0;
  let written = 0;
  const startTime = Math.floor((Date.now() - 15 * 60_000) / WINDOW_MS) * WINDOW_MS;
  let lastTimestamp = startTime;
  const producer = await connectIdempotentProducer(kafka);
  const started = performance.now();
  let lastProgress = started;
  try {
    for (const commit of changelogCommits(options.records, options.sensors, startTime)) {
      options.signal.throwIfAborted();
      const messages: Message[] = [];
      for (const { kind, key, value } of commit) {
        byKind[kind] += 1;
        keys.add(key);
        if (value === null) latest.delete(key);
        else latest.set(key, value);
        payloadBytes += key.length + (value?.length ?? 0);
        messages.push({ key, value, partition: 0 });
        if (kind === 'stream-time' && value) lastTimestamp = (JSON.parse(value) as { streamTime: number }).streamTime;
      }
      // One send per commit, as the processor's transaction sends its changelog records (uncompressed).
      for (let i = 0; i < messages.length; i += MAX_MESSAGES_PER_SEND) {
        await producer.send({ topic, acks: -1, messages: messages.slice(i, i + MAX_MESSAGES_PER_SEND) });
      }
      written += messages.length;
      if (performance.now() - lastProgress >= 5000) {
        lastProgress = performance.now();
        options.progress(`  writing: ${written.toLocaleString('en-US')} / ${options.records.toLocaleString('en-US')} records`);
      }
    }
  } finally {
    await producer.disconnect();
  }
  const produceSeconds = (performance.now() - started) / 1000;
  const [end] = await admin.fetchTopicOffsets(topic);
  if (Number(end?.high) !== options.records) throw new Error(`the changelog holds ${end?.high} records, expected ${options.records}`);
  const expected = {
    openWindows: [...latest.keys()].filter((key) => key.startsWith('["window"')).length,
    sensors: [...latest.keys()].filter((key) => key.startsWith('["sensor"')).length,
    streamTime: lastTimestamp,
  };
  options.progress(`  written in ${produceSeconds.toFixed(1)} s (${Object.entries(byKind).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}; ${keys.size.toLocaleString('en-US')} distinct keys)`);
  latest.clear();

  const runs: RestoreRun[] = [];
  for (let run = 1; run <= options.runs; run += 1) {
    options.signal.throwIfAborted();
    options.collectGarbage();
    const rssBefore = process.memoryUsage().rss;
    const rss = new RssSampler(250);
    const runStarted = performance.now();
    const cpu = new CpuMeter();
    const restored = await restorePartitions(kafka, topic, [0]);
    const seconds = (performance.now() - runStarted) / 1000;
    const peak = rss.stop();
    const { processCores, machineCores } = cpu.stop();
    const state = restored.get(0);
    if (!state) throw new Error('restorePartitions returned no state for partition 0');
    const result: RestoreRun = {
      seconds,
      records: state.records,
      recordsPerSecond: state.records / seconds,
      openWindows: state.windows.size,
      sensors: state.sensors.size,
      streamTime: state.streamTime,
      stateMatches: state.records === options.records && state.windows.size === expected.openWindows && state.sensors.size === expected.sensors && state.streamTime === expected.streamTime,
      rssBeforeMiB: rssBefore / 1048576,
      rssPeakMiB: peak / 1048576,
      cpu: { processCores, machineCores },
    };
    runs.push(result);
    options.progress(`  restore ${run}/${options.runs}: ${seconds.toFixed(2)} s, ${state.records.toLocaleString('en-US')} records (${Math.round(result.recordsPerSecond).toLocaleString('en-US')}/s) -> ${state.windows.size.toLocaleString('en-US')} open windows, ${state.sensors.size.toLocaleString('en-US')} sensors; RSS ${Math.round(result.rssBeforeMiB)} -> peak ${Math.round(result.rssPeakMiB)} MiB`);
  }
  return {
    topic,
    topicConfig: CHANGELOG_CONFIG,
    written: {
      records: options.records,
      byKind,
      distinctKeys: keys.size,
      payloadMiB: payloadBytes / 1048576,
      produceSeconds,
      eventTimeSpanSeconds: (lastTimestamp - startTime) / 1000,
    },
    expected,
    runs,
  };
}
