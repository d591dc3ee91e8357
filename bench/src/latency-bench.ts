import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import type { Admin, Kafka } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { SENSOR_READINGS_TOPIC, type SensorReading } from '@iot/contracts';
import type { AlertEvent__Output } from '@iot/contracts/grpc';
import { createReadingSender } from '@iot/grpc-gateway/src/ingest-readings.ts';
import { defaultFleet, SENSOR_TYPES, type SensorType } from '@iot/producers/src/fleet.ts';
import { DEFAULT_ALERT_RULES } from '@iot/stream-processor/alert-rules';
import { loadStackConfig, status as stackStatus } from '@iot/stack';
import { authMetadata, clients, outOfRange, procStats, quantiles, until, type Quantiles } from './gateway-bench.ts';
import { runChild, type ChildRun } from './kafka-tools.ts';
import { CpuMeter, grouped, StackDownError } from './support.ts';

/**
 * End-to-end latency under a steady load: the producer CLI (a child process) sends `rate`
 * readings/s of normal values from a run-unique fleet into iot.sensor-readings, through the
 * running pipeline, for the whole measurement. Meanwhile, every `spikeEveryMs`, a fresh sensor
 * gets readings above its RANGE band (the rule opens on the `raiseAfter`-th); the latency of a
 * sample runs from that reading's produce timestamp (and from Kafka's ack of it) to the OPEN
 * RANGE alert arriving at (a) a gRPC StreamAlerts subscriber and (b) the dashboard's SSE stream
 * /api/alerts/stream, both attached before the load starts, so the SSE hop shows as the
 * difference. Alongside: the topic's growth per second, the processor group's lag (latency
 * behind a backlog would be meaningless) and the machine's CPU.
 *
 * Neither path needs the sensors in the device registry: the processor judges a sensor it does
 * not know by its type's limits (counted in processor_readings_unknown_device_total), and
 * StreamAlerts and the dashboard's alerts route filter on the alert record only (only the Fleet
 * page and ListSensors read the devices table). So the bench inserts no devices rows.
 *
 * What stays behind: the run's alerts on the shared iot.alerts (and the alerts table), every one
 * under the run's prefix `lat<run id>-`: each spike sensor's RANGE alert stays OPEN, and SILENCE
 * opens 30 s after a sensor's last reading (the spike sensors, the load's, the warm-up one). The
 * RANGE alerts are not cleared with normal readings: a step back into the band within seconds
 * of event time opens a RATE_OF_CHANGE alert instead (seen in a run). The bench creates no
 * topics, groups or schema subjects (the CLI and the sender use iot.sensor-readings' own).
 */

export interface LatencyBenchOptions {
  readonly runId: string;
  /** Background load, readings/s, from the producer CLI. */
  readonly rate: number;
  /** How long spikes are sent (the load runs `LOAD_WARMUP_S` before and `LOAD_TAIL_S` after). */
  readonly seconds: number;
  readonly spikeEveryMs: number;
  readonly gatewayAddress: string;
  readonly token: string;
  readonly dashboardUrl: string;
  /** The running pipeline's processor group, whose lag on the readings topic is sampled. */
  readonly pipelineGroup: string;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface LatencyPath {
  /** Spikes whose OPEN RANGE alert arrived (live, not from the snapshot). */
  received: number;
  /** Spike sensors with no OPEN RANGE alert on this path by the end. */
  missing: string[];
  /** OPEN RANGE events beyond the first for a spike sensor (3 readings open exactly one and never refresh it). */
  duplicates: number;
  /** ms from the crossing reading's produce timestamp (the record's timestamp, epoch ms) to arrival. */
  fromProduceMs: Quantiles | null;
  /** ms from Kafka's acknowledgement of the crossing reading (acks=all) to arrival. */
  fromAckMs: Quantiles | null;
  /** How the stream ended early, if it did (gRPC status, SSE `error`/`resync` events, HTTP problems). */
  streamProblems: string[];
}

export interface LatencyBenchResult {
  prefix: string;
  gatewayAddress: string;
  dashboardUrl: string;
  load: {
    requestedRate: number;
    /** The producer CLI's own summary (null if it printed none). */
    cli: { sent: number; errors: number; seconds: number; sensors: number | null; exitCode: number | null; cpuSeconds: number | null } | null;
    /** cli.sent / cli.seconds. */
    achievedRate: number | null;
    /** Records appended to iot.sensor-readings per second (all producers) while spikes were sent, from 1 s end-offset samples. */
    topicPerSecond: { min: number; median: number; max: number; samples: number; mean: number } | null;
    /** The topic's growth per second before the CLI started (the default fleet and anyone else). */
    baselinePerSecond: number | null;
    /** The median second was within 5% of the requested rate plus the baseline, and the CLI's rate within 5% of the requested. */
    steady: boolean;
  };
  processorLag: {
    group: string;
    /** Largest total lag (records, committed offsets vs end offsets) in the 1 s samples while spikes were sent. */
    max: number | null;
    median: number | null;
    /** max / requested rate: seconds of input behind at worst. */
    maxSeconds: number | null;
    samples: number;
    /** max stayed under 2 s of input. */
    keptUp: boolean;
  };
  spikes: {
    sent: number;
    everyMs: number;
    readingsEach: number;
    /** ms: encode + produce + ack of the crossing reading. */
    sendMs: Quantiles | null;
  };
  grpc: LatencyPath;
  sse: LatencyPath;
  /** Per spike that arrived on both paths: SSE arrival minus gRPC arrival, ms. */
  sseMinusGrpcMs: Quantiles | null;
  /** Alerts on either path for the load's sensors (its values are normal: expected none), by rule. */
  loadAlerts: Record<string, number>;
  /** Cores busy over the spike window: the whole machine (of 2 here), this process, and the stack's processes (kafka, stream-processor, grpc-gateway, dashboard) found with the stack tool. */
  cpu: { seconds: number; machineCores: number | null; benchCores: number; components: Record<string, number> };
  loadAverage: { start: number[]; end: number[] };
  checks: { grpcOneAlertPerSpike: boolean; sseOneAlertPerSpike: boolean };
}

/** The load runs this long before the first spike (CLI start-up, the processor settling). */
const LOAD_WARMUP_S = 8;
/** ... and this long after the last spike, so every spike is measured under the load. */
const LOAD_TAIL_S = 5;
const ATTACH_TIMEOUT_MS = 30_000;
/** After the last spike, alerts are waited for this long at most. */
const ALERT_TIMEOUT_MS = 20_000;
const PROGRESS_EVERY_MS = 10_000;

interface Arrival {
  sensorId: string;
  /** performance.now() when the bytes were read. */
  at: number;
}

/** Parses text/event-stream chunks into events (https://html.spec.whatwg.org/#event-stream-interpretation). */
export class SseParser {
  private buffer = '';

  push(chunk: string): Array<{ event: string; data: string }> {
    this.buffer += chunk;
    const events: Array<{ event: string; data: string }> = [];
    let blank: RegExpExecArray | null;
    while ((blank = /\r?\n\r?\n/.exec(this.buffer)) !== null) {
      const block = this.buffer.slice(0, blank.index);
      this.buffer = this.buffer.slice(blank.index + blank[0].length);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) events.push({ event, data: data.join('\n') });
    }
    return events;
  }
}

interface PathState {
  arrivals: Arrival[];
  loadAlerts: Map<string, number>;
  problems: string[];
  ready: boolean;
}

const newPath = (): PathState => ({ arrivals: [], loadAlerts: new Map(), problems: [], ready: false });

function observeAlert(path: PathState, spikePrefix: string, loadPrefix: string, alert: { sensorId: string; rule: string; state: string }, snapshot: boolean, at: number): void {
  if (snapshot) return;
  const rule = alert.rule.replace(/^ALERT_RULE_/, '');
  const state = alert.state.replace(/^ALERT_STATE_/, '');
  if (alert.sensorId.startsWith(loadPrefix)) {
    path.loadAlerts.set(`${rule} ${state}`, (path.loadAlerts.get(`${rule} ${state}`) ?? 0) + 1);
  } else if (alert.sensorId.startsWith(spikePrefix) && rule === 'RANGE' && state === 'OPEN') {
    path.arrivals.push({ sensorId: alert.sensorId, at });
  }
}

/** The gateway's StreamAlerts for the run's sites; `ready` after its snapshot. */
function subscribeGrpc(options: LatencyBenchOptions, siteIds: string[], path: PathState, spikePrefix: string, loadPrefix: string): () => void {
  const [client] = clients(options, 1);
  const call = client!.StreamAlerts({ siteIds }, authMetadata(options.token));
  call.on('data', (event: AlertEvent__Output) => {
    const at = performance.now();
    if (event.snapshotComplete) path.ready = true;
    if (event.alert) observeAlert(path, spikePrefix, loadPrefix, event.alert, event.snapshot, at);
  });
  call.on('error', (error: grpc.ServiceError) => {
    if (error.code !== grpc.status.CANCELLED) path.problems.push(`${grpc.status[error.code] ?? error.code}: ${error.details}`);
  });
  return () => {
    call.cancel();
    client!.close();
  };
}

/** The dashboard's /api/alerts/stream for the run's sites, read as text/event-stream by this process. */
async function subscribeSse(options: LatencyBenchOptions, siteIds: string[], path: PathState, spikePrefix: string, loadPrefix: string): Promise<() => void> {
  const controller = new AbortController();
  const url = `${options.dashboardUrl}/api/alerts/stream?site=${siteIds.map(encodeURIComponent).join(',')}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  } catch (error) {
    throw new StackDownError(`The dashboard does not answer at ${options.dashboardUrl} (${(error as Error).message}). The latency benchmark needs the whole stack: \`npm run stack -- up --apps\` (log: .stack/logs/dashboard.log).`);
  }
  if (!response.ok || !response.body) {
    throw new Error(`GET ${url} answered HTTP ${response.status}: ${(await response.text().catch(() => '')).slice(0, 300)}`);
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream')) throw new Error(`GET ${url} answered ${type || 'no content type'}, not text/event-stream`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        const at = performance.now();
        if (done) {
          if (!controller.signal.aborted) path.problems.push('the SSE response ended');
          return;
        }
        for (const { event, data } of parser.push(value)) {
          if (event === 'snapshot-complete') path.ready = true;
          else if (event === 'error' || event === 'resync') path.problems.push(`SSE ${event}: ${data.slice(0, 200)}`);
          else if (event === 'alert') {
            const alert = JSON.parse(data) as { sensorId: string; rule: string; state: string; snapshot: boolean };
            observeAlert(path, spikePrefix, loadPrefix, alert, alert.snapshot, at);
          }
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) path.problems.push(`reading the SSE response: ${(error as Error).message}`);
    }
  })();
  return () => controller.abort();
}

/** The producer CLI's summary: the last stdout line that is a JSON object with `sent`. */
function cliSummary(run: ChildRun): LatencyBenchResult['load']['cli'] {
  for (const line of run.stdout.trim().split('\n').reverse()) {
    try {
      const parsed = JSON.parse(line) as { sent?: unknown; errors?: unknown; seconds?: unknown; sensors?: unknown };
      if (typeof parsed.sent === 'number' && typeof parsed.seconds === 'number') {
        return { sent: parsed.sent, errors: typeof parsed.errors === 'number' ? parsed.errors : 0, seconds: parsed.seconds, sensors: typeof parsed.sensors === 'number' ? parsed.sensors : null, exitCode: run.code, cpuSeconds: run.childCpuSeconds };
      }
    } catch {
      // not the summary
    }
  }
  return null;
}

interface TopicSample {
  at: number;
  /** Sum of the readings topic's end offsets. */
  end: number;
  /** The processor group's total lag (null: no committed offsets or the call failed). */
  lag: number | null;
}

async function sampleTopic(admin: Admin, group: string): Promise<TopicSample> {
  const at = performance.now();
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(SENSOR_READINGS_TOPIC), admin.fetchOffsets({ groupId: group, topics: [SENSOR_READINGS_TOPIC] })]);
  const offsets = new Map((committed[0]?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
  const end = ends.reduce((sum, { high }) => sum + Number(high), 0);
  const hasOffsets = [...offsets.values()].some((offset) => offset >= 0);
  const lag = hasOffsets ? ends.reduce((sum, { partition, high }) => sum + Math.max(0, Number(high) - Math.max(0, offsets.get(partition) ?? 0)), 0) : null;
  return { at, end, lag };
}

function bandOf(type: SensorType): { min: number; max: number } {
  const limits = DEFAULT_ALERT_RULES.types[type];
  if (!limits) throw new Error(`no RANGE limits for sensor type ${type} in DEFAULT_ALERT_RULES`);
  return limits;
}

const COMPONENTS = ['kafka', 'stream-processor', 'grpc-gateway', 'dashboard'] as const;

/** CPU seconds so far of the stack's processes (those the stack tool knows a pid of). */
function componentCpu(): Map<string, number> {
  const seconds = new Map<string, number>();
  try {
    for (const component of stackStatus(loadStackConfig())) {
      if (!(COMPONENTS as readonly string[]).includes(component.name) || component.pid === undefined) continue;
      try {
        seconds.set(component.name, procStats(component.pid).cpuSeconds);
      } catch {
        // gone, or not ours to read
      }
    }
  } catch {
    // no stack tool state (a stack started otherwise): machine-wide figures only
  }
  return seconds;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function pathResult(path: PathState, spikes: ReadonlyArray<{ sensorId: string; timestamp: number; acked: number }>): { result: LatencyPath; firstAt: Map<string, number> } {
  const firstAt = new Map<string, number>();
  let duplicates = 0;
  for (const arrival of path.arrivals) {
    if (firstAt.has(arrival.sensorId)) duplicates += 1;
    else firstAt.set(arrival.sensorId, arrival.at);
  }
  const fromProduce: number[] = [];
  const fromAck: number[] = [];
  const missing: string[] = [];
  for (const spike of spikes) {
    const at = firstAt.get(spike.sensorId);
    if (at === undefined) {
      missing.push(spike.sensorId);
      continue;
    }
    fromProduce.push(performance.timeOrigin + at - spike.timestamp);
    fromAck.push(at - spike.acked);
  }
  // An OPEN alert for a sensor the bench never spiked (e.g. the warm-up one) would be a stray: count it as a duplicate.
  const spiked = new Set(spikes.map((spike) => spike.sensorId));
  for (const sensorId of firstAt.keys()) if (!spiked.has(sensorId)) duplicates += 1;
  return { result: { received: fromProduce.length, missing, duplicates, fromProduceMs: quantiles(fromProduce), fromAckMs: quantiles(fromAck), streamProblems: [...path.problems] }, firstAt };
}

export async function runLatencyBench(options: LatencyBenchOptions, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }): Promise<LatencyBenchResult> {
  const { progress, signal } = options;
  const loadAverageStart = loadavg().map((load) => Math.round(load * 100) / 100);
  const health = await fetch(`${options.dashboardUrl}/api/health`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  if (health === null || !health.ok) {
    throw new StackDownError(`The dashboard does not answer at ${options.dashboardUrl}/api/health. The latency benchmark needs the whole stack: \`npm run stack -- up --apps\` (log: .stack/logs/dashboard.log).`);
  }
  const prefix = `lat${options.runId}-`;
  const loadPrefix = `${prefix}load-`;
  const spikePrefix = `${prefix}spk-`;
  const spikeSite = `${prefix}spk`;
  const loadSites = [...new Set(defaultFleet(loadPrefix).map((sensor) => sensor.siteId))];
  const siteIds = [spikeSite, ...loadSites];
  const types = Object.keys(SENSOR_TYPES) as SensorType[];
  const readingsEach = DEFAULT_ALERT_RULES.range.raiseAfter;
  const spikeCount = Math.max(1, Math.floor((options.seconds * 1000) / options.spikeEveryMs));

  const grpcPath = newPath();
  const ssePath = newPath();
  const closers: Array<() => void> = [];
  const sender = createReadingSender(harness.kafka, harness.registry, options.registryUrl);
  const stopLoad = new AbortController();
  const onAbort = (): void => stopLoad.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let loadRun: Promise<ChildRun> | undefined;
  const samples: TopicSample[] = [];
  let sampling = true;
  let sampler: Promise<void> | undefined;
  const spikes: Array<{ sensorId: string; type: SensorType; timestamp: number; beforeSend: number; acked: number }> = [];
  try {
    progress(`latency: StreamAlerts on ${options.gatewayAddress} and ${options.dashboardUrl}/api/alerts/stream, both for the sites ${spikeSite}, ${loadPrefix}*`);
    closers.push(subscribeGrpc(options, siteIds, grpcPath, spikePrefix, loadPrefix));
    closers.push(await subscribeSse(options, siteIds, ssePath, spikePrefix, loadPrefix));
    if (!(await until(() => (grpcPath.ready && ssePath.ready) || grpcPath.problems.length > 0 || ssePath.problems.length > 0, ATTACH_TIMEOUT_MS, signal, 100)) || grpcPath.problems.length > 0 || ssePath.problems.length > 0) {
      throw new Error(`the subscribers got no snapshot in ${ATTACH_TIMEOUT_MS / 1000} s: gRPC ${grpcPath.ready ? 'ready' : (grpcPath.problems[0] ?? 'waiting')} (is the gateway up on ${options.gatewayAddress}?), SSE ${ssePath.ready ? 'ready' : (ssePath.problems[0] ?? 'waiting')}`);
    }
    // Warm-up, not measured: the sender registers the schemas and connects its producer on its first send.
    const warmLimits = bandOf('temperature');
    await sender.send([{ sensorId: `${prefix}warmup`, sensorType: 'temperature', siteId: spikeSite, timestamp: Date.now(), value: (warmLimits.min + warmLimits.max) / 2, unit: SENSOR_TYPES.temperature.unit }]);

    const baselineFrom = await sampleTopic(harness.admin, options.pipelineGroup);
    await sleep(3000, undefined, { signal });
    const baselineTo = await sampleTopic(harness.admin, options.pipelineGroup);
    const baselinePerSecond = ((baselineTo.end - baselineFrom.end) * 1000) / (baselineTo.at - baselineFrom.at);

    const loadSeconds = LOAD_WARMUP_S + options.seconds + LOAD_TAIL_S;
    progress(`latency: the producer CLI at --rate ${grouped(options.rate)} for ${loadSeconds} s (sensors ${loadPrefix}*); topic baseline ${baselinePerSecond.toFixed(0)} records/s`);
    loadRun = runChild('npm', ['run', '--silent', 'producers', '--', 'run', '--rate', String(options.rate), '--duration', `${loadSeconds}s`, '--quiet', '--prefix', loadPrefix], {
      stopAfterS: loadSeconds + 30,
      signal: stopLoad.signal,
      env: { ...process.env, KAFKA_BROKERS: options.brokers.join(','), SCHEMA_REGISTRY_URL: options.registryUrl },
    });
    loadRun.catch(() => undefined);
    sampler = (async () => {
      while (sampling) {
        const started = performance.now();
        try {
          samples.push(await sampleTopic(harness.admin, options.pipelineGroup));
        } catch {
          // a missed sample: the next one covers it
        }
        await sleep(Math.max(0, 1000 - (performance.now() - started)));
      }
    })();
    await sleep(LOAD_WARMUP_S * 1000, undefined, { signal });

    progress(`latency: ${spikeCount} spikes, one every ${options.spikeEveryMs} ms, each ${readingsEach} readings above a fresh sensor's RANGE band (${spikePrefix}*)`);
    const cpu = new CpuMeter();
    const componentsFrom = componentCpu();
    const spikesFrom = performance.now();
    let lastProgress = spikesFrom;
    for (let i = 0; i < spikeCount; i += 1) {
      signal.throwIfAborted();
      const wait = spikesFrom + i * options.spikeEveryMs - performance.now();
      if (wait > 0) await sleep(wait);
      const type = types[i % types.length]!;
      const sensorId = `${spikePrefix}${String(i).padStart(4, '0')}`;
      const reading = (timestamp: number): SensorReading => ({ sensorId, sensorType: type, siteId: spikeSite, timestamp, value: outOfRange(type), unit: SENSOR_TYPES[type].unit });
      const first = Date.now();
      await sender.send(Array.from({ length: readingsEach - 1 }, (_, k) => reading(first + k)));
      // The crossing reading on its own, so its ack is its own. Its timestamp is taken as late as possible.
      const beforeSend = performance.now();
      const timestamp = Math.max(Date.now(), first + readingsEach - 1);
      await sender.send([reading(timestamp)]);
      spikes.push({ sensorId, type, timestamp, beforeSend, acked: performance.now() });
      if (performance.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = performance.now();
        const last = samples.at(-1);
        progress(`  ${((lastProgress - spikesFrom) / 1000).toFixed(0).padStart(4)} s: ${spikes.length} spikes sent; alerts gRPC ${grpcPath.arrivals.length}, SSE ${ssePath.arrivals.length}; processor lag ${last?.lag ?? 'n/a'}`);
      }
    }
    const spikesTo = performance.now();
    const used = cpu.stop();
    const componentsTo = componentCpu();
    const components: Record<string, number> = {};
    for (const [name, from] of componentsFrom) {
      const to = componentsTo.get(name);
      if (to !== undefined) components[name] = Math.round(((to - from) / used.seconds) * 100) / 100;
    }
    const sentIds = new Set(spikes.map((spike) => spike.sensorId));
    const arrivedOn = (path: PathState) => new Set(path.arrivals.filter((arrival) => sentIds.has(arrival.sensorId)).map((arrival) => arrival.sensorId)).size;
    await until(() => (arrivedOn(grpcPath) >= spikes.length && arrivedOn(ssePath) >= spikes.length) || performance.now() - spikesTo > ALERT_TIMEOUT_MS, ALERT_TIMEOUT_MS + 1000, signal, 50);
    // Duplicates arrive after the first: give them a moment.
    await sleep(1000, undefined, { signal });
    const loadAverageEnd = loadavg().map((load) => Math.round(load * 100) / 100);

    progress('latency: waiting for the producer CLI to finish');
    const run = await loadRun;
    sampling = false;
    await sampler;
    const cli = cliSummary(run);
    if (cli === null) throw new Error(`the producer CLI exited with code ${run.code} and printed no summary:\n${run.stderr.trim().split('\n').slice(-5).join('\n')}`);

    const window = samples.filter((sample) => sample.at >= spikesFrom - 1000 && sample.at <= spikesTo + 1000);
    const perSecond: number[] = [];
    for (let k = 1; k < window.length; k += 1) perSecond.push(((window[k]!.end - window[k - 1]!.end) * 1000) / (window[k]!.at - window[k - 1]!.at));
    const lags = window.map((sample) => sample.lag).filter((lag): lag is number => lag !== null);
    const achievedRate = cli.seconds > 0 ? cli.sent / cli.seconds : null;
    const span = window.length < 2 ? 0 : window.at(-1)!.at - window[0]!.at;
    const topicPerSecond = perSecond.length === 0 ? null : { min: Math.min(...perSecond), median: median(perSecond), max: Math.max(...perSecond), samples: perSecond.length, mean: ((window.at(-1)!.end - window[0]!.end) * 1000) / span };
    const maxLag = lags.length === 0 ? null : Math.max(...lags);

    const grpcResult = pathResult(grpcPath, spikes);
    const sseResult = pathResult(ssePath, spikes);
    const differences: number[] = [];
    for (const spike of spikes) {
      const viaGrpc = grpcResult.firstAt.get(spike.sensorId);
      const viaSse = sseResult.firstAt.get(spike.sensorId);
      if (viaGrpc !== undefined && viaSse !== undefined) differences.push(viaSse - viaGrpc);
    }
    const loadAlerts: Record<string, number> = {};
    for (const [key, count] of grpcPath.loadAlerts) loadAlerts[`gRPC ${key}`] = count;
    for (const [key, count] of ssePath.loadAlerts) loadAlerts[`SSE ${key}`] = count;

    const result: LatencyBenchResult = {
      prefix,
      gatewayAddress: options.gatewayAddress,
      dashboardUrl: options.dashboardUrl,
      load: {
        requestedRate: options.rate,
        cli,
        achievedRate,
        topicPerSecond,
        baselinePerSecond,
        steady: achievedRate !== null && achievedRate >= options.rate * 0.95 && topicPerSecond !== null && topicPerSecond.median >= (options.rate + baselinePerSecond) * 0.95,
      },
      processorLag: {
        group: options.pipelineGroup,
        max: maxLag,
        median: lags.length === 0 ? null : median(lags),
        maxSeconds: maxLag === null ? null : maxLag / options.rate,
        samples: lags.length,
        keptUp: maxLag !== null && maxLag <= options.rate * 2,
      },
      spikes: { sent: spikes.length, everyMs: options.spikeEveryMs, readingsEach, sendMs: quantiles(spikes.map((spike) => spike.acked - spike.beforeSend)) },
      grpc: grpcResult.result,
      sse: sseResult.result,
      sseMinusGrpcMs: quantiles(differences),
      loadAlerts,
      cpu: { seconds: used.seconds, machineCores: used.machineCores, benchCores: used.processCores, components },
      loadAverage: { start: loadAverageStart, end: loadAverageEnd },
      checks: {
        grpcOneAlertPerSpike: spikes.length > 0 && grpcResult.result.received === spikes.length && grpcResult.result.duplicates === 0,
        sseOneAlertPerSpike: spikes.length > 0 && sseResult.result.received === spikes.length && sseResult.result.duplicates === 0,
      },
    };
    progress(`latency: OPEN RANGE alerts gRPC ${result.grpc.received} of ${spikes.length} (p50 ${result.grpc.fromProduceMs?.p50.toFixed(0) ?? 'n/a'} ms), SSE ${result.sse.received} of ${spikes.length} (p50 ${result.sse.fromProduceMs?.p50.toFixed(0) ?? 'n/a'} ms); processor lag max ${maxLag ?? 'n/a'}`);
    return result;
  } finally {
    sampling = false;
    signal.removeEventListener('abort', onAbort);
    stopLoad.abort(); // the CLI, if it is still running (on an error)
    await loadRun?.catch(() => undefined);
    await sampler?.catch(() => undefined);
    for (const close of closers) close();
    await sender.close().catch(() => undefined);
  }
}

const q = (value: Quantiles | null): string =>
  value === null ? 'n/a' : `p50 ${value.p50.toFixed(1)} ms, p95 ${value.p95.toFixed(1)}, p99 ${value.p99.toFixed(1)}, max ${value.max.toFixed(1)} (min ${value.min.toFixed(1)}, mean ${value.mean.toFixed(1)}; n = ${value.count})`;

function pathCheck(path: LatencyPath, sent: number): string {
  const ok = path.received === sent && path.duplicates === 0 && sent > 0;
  const missing = path.missing.length > 0 ? `; missing ${path.missing.slice(0, 5).join(', ')}${path.missing.length > 5 ? ', ...' : ''}` : '';
  const problems = path.streamProblems.length > 0 ? `; stream: ${path.streamProblems.slice(0, 3).join(' | ')}` : '';
  return `${ok ? 'OK' : 'FAILED'}: ${path.received} of ${sent} spikes alerted, ${path.duplicates} duplicate(s)${missing}${problems}`;
}

export function printLatency(result: LatencyBenchResult): string[] {
  const { load, processorLag: lag, spikes, cpu } = result;
  const rate = load.topicPerSecond;
  return [
    `Latency: a spike's crossing reading to its OPEN RANGE alert, under ${grouped(load.requestedRate)} readings/s of background load (${result.prefix}*)`,
    `  load                  producer CLI: ${load.cli === null ? 'no summary' : `${grouped(load.cli.sent)} readings in ${load.cli.seconds.toFixed(1)} s = ${grouped(load.achievedRate ?? 0)}/s, errors ${load.cli.errors}, ${load.cli.sensors ?? '?'} sensors${load.cli.cpuSeconds === null ? '' : `, ${(load.cli.cpuSeconds / load.cli.seconds).toFixed(2)} cores`}`}`,
    `                        topic records/s while spiking (all producers, 1 s samples): ${rate === null ? 'n/a' : `min ${grouped(rate.min)}, median ${grouped(rate.median)}, max ${grouped(rate.max)}, mean ${grouped(rate.mean)} (n = ${rate.samples})`}; baseline before the load ${load.baselinePerSecond === null ? 'n/a' : grouped(load.baselinePerSecond)}/s; ${load.steady ? 'steady' : 'NOT STEADY (below 95% of the rate asked)'}`,
    `  processor lag         ${lag.group}: max ${lag.max === null ? 'n/a' : grouped(lag.max)} records (${lag.maxSeconds === null ? 'n/a' : `${lag.maxSeconds.toFixed(2)} s of input`}), median ${lag.median === null ? 'n/a' : grouped(lag.median)} (n = ${lag.samples}); ${lag.keptUp ? 'kept up' : 'DID NOT KEEP UP (over 2 s of input behind): the latencies below include a backlog'}`,
    `  spikes                ${spikes.sent}, one every ${spikes.everyMs} ms, ${spikes.readingsEach} readings above the band each; the crossing reading's send ${q(spikes.sendMs)}`,
    `  gRPC StreamAlerts     from produce timestamp ${q(result.grpc.fromProduceMs)}`,
    `                        from ack              ${q(result.grpc.fromAckMs)}`,
    `  dashboard SSE         from produce timestamp ${q(result.sse.fromProduceMs)}`,
    `                        from ack              ${q(result.sse.fromAckMs)}`,
    `  SSE minus gRPC        ${q(result.sseMinusGrpcMs)}`,
    `  CPU                   whole machine ${cpu.machineCores === null ? 'n/a' : `${cpu.machineCores.toFixed(2)} cores busy`}, this process ${cpu.benchCores.toFixed(2)}${Object.entries(cpu.components).map(([name, cores]) => `, ${name} ${cores.toFixed(2)}`).join('')} over ${cpu.seconds.toFixed(0)} s; load average ${result.loadAverage.start.join(' ')} -> ${result.loadAverage.end.join(' ')}`,
    `  load sensors' alerts  ${Object.keys(result.loadAlerts).length === 0 ? 'none (as expected)' : JSON.stringify(result.loadAlerts)}`,
    `  check gRPC            ${pathCheck(result.grpc, spikes.sent)}`,
    `  check SSE             ${pathCheck(result.sse, spikes.sent)}`,
  ];
}
