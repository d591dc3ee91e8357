import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { WINDOW_COUNTS_TOPIC } from '@iot/contracts';
import { LOCAL_GATEWAY_TOKEN } from '@iot/contracts/grpc';
import { createKafka, createLogger, createRegistry, envVar, parseEnv } from '@iot/runtime';
import { down as stackDown, loadStackConfig, StackError, status as stackStatus, upWithApps } from '@iot/stack';
import { prepareInput, type BenchInput } from './bench-input.ts';
import { CeilingBench, printCeiling, type CeilingResult } from './ceiling-bench.ts';
import { printDashboard, runDashboardBench, type DashboardResult } from './dashboard-bench.ts';
import { printLatency, runLatencyBench, type LatencyBenchResult } from './latency-bench.ts';
import { printDelivery, runDeliveryBench, type DeliveryBenchResult } from './delivery-bench.ts';
import { writeBenchmarkDocs, type ReportInput } from './report.ts';
import { runKafkaStreamsBench, type KafkaStreamsBenchResult } from './kafka-streams-bench.ts';
import { runGatewayBench, type FanOutResult, type GatewayResult, type Quantiles } from './gateway-bench.ts';
import { PERF_DEFAULT_PROPS, runProducerBench, type ProducerResult } from './producer-bench.ts';
import { runRestore, type RestoreResult } from './restore-bench.ts';
import { printScaling, runScalingBench, type ScalingResult } from './scaling-bench.ts';
import { grouped, mib, ms, Resources, StackDownError, round } from './support.ts';
import { runThroughput, type ThroughputResult } from './throughput.ts';

const BENCHES = ['throughput', 'ceiling', 'scaling', 'restore', 'producer', 'gateway', 'kafka-streams', 'dashboard', 'latency', 'delivery'] as const;
/** `npm run bench` without --only: the set docs/benchmarks.md reports. */
const DEFAULT_SUITE: readonly (typeof BENCHES)[number][] = ['throughput', 'ceiling', 'kafka-streams', 'scaling', 'latency', 'delivery', 'dashboard'];
const DOCS_DIR = fileURLToPath(new URL('../../docs', import.meta.url));
/** --readings without --only (the issue's size), and with --only. */
const SUITE_READINGS = 2_000_000;
const ONLY_READINGS = 300_000;
const DEFAULT_PRODUCER_RATES = '10000,20000,25000,30000,35000,40000,50000';

const HELP = `Usage: npm run bench [-- options]

Benchmarks against the local stack; parts of it not running are started first (and stopped at the end). Without
--only it runs the default suite: ${DEFAULT_SUITE.join(', ')} on ${SUITE_READINGS.toLocaleString('en-US')} readings
(about 20 min on 2 cores). Throughput, ceiling, kafka-streams and scaling read ONE pre-filled
6-partition input topic (filled once per run, deterministic: seeded values, RANGE faults on
every 20th sensor, timestamps from a whole minute), each consumer in its own group into its own
output topics.
  1. throughput: readings/s processed by ONE StreamProcessor with exactly-once on, from the
     pre-filled input until its offsets are committed: an untimed warm-up, then --repeats runs
     (medians reported);
     ceiling: Kafka's ConsumerPerformance reading the whole input (read_committed, as ours) and
     ProducerPerformance writing as many records of the same size into a scratch topic, one
     round after each throughput run (so it runs them too); ours as a fraction of the raw rates;
     scaling: the input processed by 1, 2, then 3 StreamProcessor instances (--scaling-instances),
     each a separate process, in one group, the steps in turn --scaling-rounds times (medians);
     readings/s, speedup, CPU, and the output of every run checked;
  2. restore (only with --only restore): time to rebuild a partition's state with restorePartitions() from a changelog;
  3. producer (only with --only producer): readings/s of the producer CLI (one process) into the
     broker, ramping --rate until it falls behind, next to Kafka's own ProducerPerformance at the
     same record size. The CLI can only write to iot.sensor-readings, so this one DOES feed the
     running pipeline (sensor ids prefixed b<4 hex of the run id>-);
  4. gateway (only with --only gateway): against the running gRPC gateway, N StreamWindowCounts
     subscribers on separate connections all following a bench fleet while the simulator
     produces its readings (messages/s delivered, each subscriber checked against the topic,
     gateway RSS and CPU), then the latency from a reading to its OPEN RANGE alert at a
     StreamAlerts subscriber. Its readings also go through the running pipeline.
  5. kafka-streams: our StreamProcessor and a Kafka Streams
     3.9.1 app computing the same windows and RANGE alerts (bench/kafka-streams, built with
     Maven when its jar is missing), each on the same pre-filled input (--readings, with RANGE
     faults), timed to their committed end offsets, --ks-rounds rounds alternating which goes
     first; readings/s of both (medians), the ratio of the medians, and a check that every final
     window and RANGE alert of the first round agrees.
  6. dashboard (in the suite, last): the dashboard's Fleet page in Chromium while N
     sensors send a reading per second each through the gateway's IngestReadings (so through
     the running pipeline): the page main thread's task durations (p95, against 50 ms) and long
     tasks, and the time from a spike's send to its row turning ALERTING (against 5 s).
  7. latency (in the suite): against the whole running stack, the producer CLI sends
     --latency-rate readings/s (normal values, sensor ids lat<run id>-load-*) while, every
     --latency-spike-every-ms, a fresh sensor gets 3 readings above its RANGE band: the time from
     the crossing reading's produce timestamp (and its ack) to its OPEN alert at a gRPC
     StreamAlerts subscriber and at the dashboard's SSE /api/alerts/stream, both attached first;
     the load's achieved rate, the processor group's lag, the machine's CPU.
  8. delivery (in the suite): the same live traffic (a bench fleet through the
     running pipeline) followed by N subscribers, first through the gateway (StreamWindowCounts
     calls over a few connections), then by N kafkajs consumers reading iot.window-counts-1m
     directly, each in its own group: attach time, delivered/s, delay from the record's Kafka
     timestamp, CPU of the broker, the gateway and this process, TCP connections to the broker,
     one subscriber's resume, every subscriber checked against the topic.
Every topic, consumer group and schema subject it creates is unique to the run and deleted at
the end. Results are printed and written as JSON under ${join(tmpdir(), 'iot-bench')}.

Options:
  --readings N            readings to pre-fill and process (default ${SUITE_READINGS} without --only, ${ONLY_READINGS} with it)
  --repeats N             timed throughput runs, each followed by a ceiling round when ceiling runs
                          (default 3)
  --warm-up-readings N    readings the untimed warm-up processor consumes before the timed runs
                          (default 200000; 0: none)
  --scaling-instances LIST  instance counts of the scaling benchmark, a step each (default 1,2,3)
  --scaling-rounds N      times every scaling step runs, in turn; each reports its median (default 3)
  --consumer-isolation read_committed|read_uncommitted  ConsumerPerformance's isolation level
                          (default read_committed, as our processor reads)
  --sensors N             sensors in the throughput fleet (default 1000; readings 10 ms apart)
  --commit-interval-ms N  the processor's commit interval (default 100, as in production)
  --changelog-records N   changelog records to restore from (default 1000000)
  --changelog-sensors N   sensors in the changelog (default 10000)
  --restore-runs N        restores to time (default 3)
  --only WHICH            ${BENCHES.join(' | ')}, or a comma list
                          (default: the suite, ${DEFAULT_SUITE.join(',')})
  --producer-rates LIST   rates asked of the producer CLI, in order; stops at the first it
                          cannot keep up with (default ${DEFAULT_PRODUCER_RATES})
  --producer-seconds N    seconds per rate (default 10)
  --perf-records N        records ProducerPerformance sends (default 2000000)
  --perf-prop KEY=VALUE   a ProducerPerformance producer config (repeatable); defaults:
                          ${Object.entries(PERF_DEFAULT_PROPS).map(([name, value]) => `${name}=${value}`).join(' ')}
  --gateway-subscribers N StreamWindowCounts subscribers (default 1000)
  --gateway-channels N    client connections they are spread over (default 10)
  --gateway-sensors LIST  the fan-out's ramp: sensors in the fleet at each step, 2 readings/s
                          each (default 10,25,50,100,200)
  --gateway-seconds N     how long the fleet produces (default 30)
  --gateway-rss-limit-mib N  stop the fan-out early if the gateway's RSS passes this (default 2048)
  --latency-samples N     gateway benchmark: sensors driven into a RANGE alert, one each (default 30)
  --latency-spacing-ms N  gateway benchmark: time between two of them (default 200)
  --ks-threads N          Kafka Streams stream threads (default 1)
  --ks-rounds N           rounds of ours and Kafka Streams, alternating which goes first (default 3)
  --ks-store memory|rocksdb  Kafka Streams state stores (default memory, like ours)
  --ks-heap-mib N         the Kafka Streams JVM's heap (default 1024)
  --dashboard-sensors N   sensors live during the dashboard benchmark (default 200)
  --dashboard-seconds N   how long the page is measured (default 60)
  --dashboard-spike-every-ms N  time between two spikes, each on the next sensor (default 5000)
  --latency-rate N        latency benchmark: background readings/s from the producer CLI (default 5000)
  --latency-seconds N     latency benchmark: how long spikes are sent under the load (default 60)
  --latency-spike-every-ms N  latency benchmark: time between two spikes, each a fresh sensor (default 500)
  --delivery-subscribers N  subscribers on each path of the delivery benchmark (default 100)
  --delivery-channels N   client connections the gRPC subscribers share (default 4)
  --delivery-sensors N    sensors in each path's fleet, 2 readings/s each (default 50)
  --delivery-seconds N    how long each path's fleet produces (default 30)
  --delivery-kafka-first  run the direct Kafka path first (default: the gateway first)
  --report                with --only: also write docs/benchmarks.md, .json and .png (the
                          default suite always does, when every check passed)
  --report-from FILE      only rewrite docs/benchmarks.* from a results JSON of an earlier run
  -h, --help              this help

Connection settings come from env vars: KAFKA_BROKERS (127.0.0.1:9092),
SCHEMA_REGISTRY_URL (http://127.0.0.1:8081/apis/ccompat/v7); the producer benchmark also reads
PROCESSOR_GROUP_ID (iot-stream-processor: the running pipeline's group), STACK_HOME (.stack: the
Kafka jars are in its lib/kafka) and JAVA_HOME (default: java on the PATH); the gateway
benchmark reads GATEWAY_ADDRESS (127.0.0.1:50051), GATEWAY_METRICS_URL
(http://127.0.0.1:9466/metrics), GATEWAY_TOKEN (the local stack's token) and finds the gateway's
pid and log with the stack tool (STACK_HOME), or takes GATEWAY_PID and GATEWAY_LOG_FILE for a
gateway started by hand. The dashboard benchmark reads DASHBOARD_URL (http://127.0.0.1:3000),
GATEWAY_ADDRESS and GATEWAY_TOKEN, and drives Debian's Chromium (CHROMIUM_PATH, /usr/bin/chromium).
The latency benchmark reads DASHBOARD_URL, GATEWAY_ADDRESS, GATEWAY_TOKEN and PROCESSOR_GROUP_ID.
`;

const loadConfig = () =>
  parseEnv('bench', z.object({
    KAFKA_BROKERS: envVar.brokers('127.0.0.1:9092'),
    SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:8081/apis/ccompat/v7'),
    /** The running pipeline's processor group: the producer benchmark waits for it to catch up between steps. */
    PROCESSOR_GROUP_ID: z.string().default('iot-stream-processor'),
    GATEWAY_ADDRESS: z.string().default('127.0.0.1:50051'),
    GATEWAY_METRICS_URL: envVar.url('http://127.0.0.1:9466/metrics'),
    GATEWAY_TOKEN: z.string().min(1).default(LOCAL_GATEWAY_TOKEN),
    /** A gateway the stack tool did not start (e.g. `npm start -w grpc-gateway`): its pid and log. */
    GATEWAY_PID: z.coerce.number().int().nonnegative().default(0),
    GATEWAY_LOG_FILE: z.string().default(''),
    DASHBOARD_URL: envVar.url('http://127.0.0.1:3000'),
  }));

function positiveInt(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name}: expected a positive integer, got "${text}"`);
  return value;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      readings: { type: 'string' },
      repeats: { type: 'string', default: '3' },
      'warm-up-readings': { type: 'string', default: '200000' },
      'scaling-instances': { type: 'string', default: '1,2,3' },
      'scaling-rounds': { type: 'string', default: '3' },
      'consumer-isolation': { type: 'string', default: 'read_committed' },
      sensors: { type: 'string', default: '1000' },
      'commit-interval-ms': { type: 'string', default: '100' },
      'changelog-records': { type: 'string', default: '1000000' },
      'changelog-sensors': { type: 'string', default: '10000' },
      'restore-runs': { type: 'string', default: '3' },
      only: { type: 'string' },
      'producer-rates': { type: 'string', default: DEFAULT_PRODUCER_RATES },
      'producer-seconds': { type: 'string', default: '10' },
      'perf-records': { type: 'string', default: '2000000' },
      'perf-prop': { type: 'string', multiple: true, default: [] },
      'gateway-subscribers': { type: 'string', default: '1000' },
      'gateway-channels': { type: 'string', default: '10' },
      'gateway-sensors': { type: 'string', default: '10,25,50,100,200' },
      'gateway-seconds': { type: 'string', default: '30' },
      'gateway-rss-limit-mib': { type: 'string', default: '2048' },
      'latency-samples': { type: 'string', default: '30' },
      'latency-spacing-ms': { type: 'string', default: '200' },
      'ks-threads': { type: 'string', default: '1' },
      'ks-rounds': { type: 'string', default: '3' },
      'ks-store': { type: 'string', default: 'memory' },
      'ks-heap-mib': { type: 'string', default: '1024' },
      'dashboard-sensors': { type: 'string', default: '200' },
      'dashboard-seconds': { type: 'string', default: '60' },
      'dashboard-spike-every-ms': { type: 'string', default: '5000' },
      'latency-rate': { type: 'string', default: '5000' },
      'latency-seconds': { type: 'string', default: '60' },
      'latency-spike-every-ms': { type: 'string', default: '500' },
      'delivery-subscribers': { type: 'string', default: '100' },
      'delivery-channels': { type: 'string', default: '4' },
      'delivery-sensors': { type: 'string', default: '50' },
      'delivery-seconds': { type: 'string', default: '30' },
      'delivery-kafka-first': { type: 'boolean', default: false },
      report: { type: 'boolean', default: false },
      'report-from': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const only: string[] = values.only === undefined ? [...DEFAULT_SUITE] : values.only.split(',').map((name) => name.trim());
  for (const name of only) {
    if (!(BENCHES as readonly string[]).includes(name)) throw new Error(`--only: expected ${BENCHES.join(', ')} or a comma list of them, got "${values.only}"`);
  }
  if (values['consumer-isolation'] !== 'read_committed' && values['consumer-isolation'] !== 'read_uncommitted') throw new Error(`--consumer-isolation: expected read_committed or read_uncommitted, got "${values['consumer-isolation']}"`);
  const warmUpReadings = Number(values['warm-up-readings']);
  if (!Number.isSafeInteger(warmUpReadings) || warmUpReadings < 0) throw new Error(`--warm-up-readings: expected 0 or a positive integer, got "${values['warm-up-readings']}"`);
  if (values['ks-store'] !== 'memory' && values['ks-store'] !== 'rocksdb') throw new Error(`--ks-store: expected memory or rocksdb, got "${values['ks-store']}"`);
  const perfProps: Record<string, string> = {};
  for (const prop of values['perf-prop']) {
    const at = prop.indexOf('=');
    if (at <= 0) throw new Error(`--perf-prop: expected KEY=VALUE, got "${prop}"`);
    perfProps[prop.slice(0, at)] = prop.slice(at + 1);
  }
  return {
    help: values.help,
    readings: positiveInt('readings', values.readings ?? String(values.only === undefined ? SUITE_READINGS : ONLY_READINGS)),
    repeats: positiveInt('repeats', values.repeats),
    warmUpReadings,
    scalingInstances: values['scaling-instances'].split(',').map((count) => positiveInt('scaling-instances', count.trim())),
    scalingRounds: positiveInt('scaling-rounds', values['scaling-rounds']),
    consumerIsolation: values['consumer-isolation'] as 'read_committed' | 'read_uncommitted',
    sensors: positiveInt('sensors', values.sensors),
    commitIntervalMs: positiveInt('commit-interval-ms', values['commit-interval-ms']),
    changelogRecords: positiveInt('changelog-records', values['changelog-records']),
    changelogSensors: positiveInt('changelog-sensors', values['changelog-sensors']),
    restoreRuns: positiveInt('restore-runs', values['restore-runs']),
    producerRates: values['producer-rates'].split(',').map((rate) => positiveInt('producer-rates', rate.trim())),
    producerSeconds: positiveInt('producer-seconds', values['producer-seconds']),
    perfRecords: positiveInt('perf-records', values['perf-records']),
    perfProps,
    gatewaySubscribers: positiveInt('gateway-subscribers', values['gateway-subscribers']),
    gatewayChannels: positiveInt('gateway-channels', values['gateway-channels']),
    gatewaySensorSteps: values['gateway-sensors'].split(',').map((count) => positiveInt('gateway-sensors', count.trim())),
    gatewaySeconds: positiveInt('gateway-seconds', values['gateway-seconds']),
    gatewayRssLimitMiB: positiveInt('gateway-rss-limit-mib', values['gateway-rss-limit-mib']),
    latencySamples: positiveInt('latency-samples', values['latency-samples']),
    latencySpacingMs: positiveInt('latency-spacing-ms', values['latency-spacing-ms']),
    ksThreads: positiveInt('ks-threads', values['ks-threads']),
    ksRounds: positiveInt('ks-rounds', values['ks-rounds']),
    ksStore: values['ks-store'] as 'memory' | 'rocksdb',
    ksHeapMiB: positiveInt('ks-heap-mib', values['ks-heap-mib']),
    throughput: only.includes('throughput'),
    ceiling: only.includes('ceiling'),
    scaling: only.includes('scaling'),
    restore: only.includes('restore'),
    producer: only.includes('producer'),
    gateway: only.includes('gateway'),
    kafkaStreams: only.includes('kafka-streams'),
    dashboardSensors: positiveInt('dashboard-sensors', values['dashboard-sensors']),
    dashboardSeconds: positiveInt('dashboard-seconds', values['dashboard-seconds']),
    dashboardSpikeEveryMs: positiveInt('dashboard-spike-every-ms', values['dashboard-spike-every-ms']),
    dashboard: only.includes('dashboard'),
    latency: only.includes('latency'),
    latencyRate: positiveInt('latency-rate', values['latency-rate']),
    latencySeconds: positiveInt('latency-seconds', values['latency-seconds']),
    latencySpikeEveryMs: positiveInt('latency-spike-every-ms', values['latency-spike-every-ms']),
    delivery: only.includes('delivery'),
    deliverySubscribers: positiveInt('delivery-subscribers', values['delivery-subscribers']),
    deliveryChannels: positiveInt('delivery-channels', values['delivery-channels']),
    deliverySensors: positiveInt('delivery-sensors', values['delivery-sensors']),
    deliverySeconds: positiveInt('delivery-seconds', values['delivery-seconds']),
    deliveryKafkaFirst: values['delivery-kafka-first'],
    /** Write docs/benchmarks.{md,json,png}: always for the default suite, with --only when asked. */
    report: values.only === undefined || values.report,
    reportFrom: values['report-from'],
  };
}

const progress = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Ctrl-C aborts the run (the cleanup in `finally` still deletes what it created). Wrappers
 * (npm, tsx) relay the terminal's signal again, so copies within a second are ignored; a later
 * one exits at once.
 */
function abortOnInterrupt(): AbortSignal {
  const controller = new AbortController();
  let firstAt: number | undefined;
  const handle = (): void => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      progress('interrupted: cleaning up (Ctrl-C again to exit at once)');
      controller.abort(new Error('interrupted'));
    } else if (Date.now() - firstAt > 1000) {
      process.exit(130);
    }
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return controller.signal;
}

function machine() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    kernel: release(),
    loadAverageAtStart: loadavg().map((load) => round(load, 2)),
  };
}

const cores = (cpu: { processCores: number; machineCores: number | null }): string =>
  `this process ${cpu.processCores.toFixed(2)} cores busy${cpu.machineCores === null ? '' : `, whole machine ${cpu.machineCores.toFixed(2)} of ${cpus().length}`}`;

function printThroughput(result: ThroughputResult): void {
  const tx = result.metrics.transactions;
  const lines = [
    `Throughput: ONE StreamProcessor, exactly-once (a transaction per partition every ${result.commitIntervalMs} ms)`,
    `  input                 ${grouped(result.readings)} readings, ${result.sensors} sensors, ${result.partitions} partitions, ${round(result.fill.eventTimeSpanSeconds / 60, 1)} min of event time; ${grouped(result.input.faultReadings)} outside their band; ${result.input.recordBytes.toFixed(1)} bytes a record; content sha256 ${result.input.contentSha256.slice(0, 16)}`,
    `  median of ${result.repeats}           ${grouped(result.median.readingsPerSecond)} readings/s (${result.median.seconds.toFixed(1)} s), steady ${grouped(result.median.processingReadingsPerSecond)}/s; runs ${result.runs.map((run) => grouped(run.readingsPerSecond)).join(', ')}${result.warmUp ? `; after a warm-up of ${grouped(result.warmUp.consumed)} readings` : ''}`,
    `  median run (#${result.medianRun + 1})`,
    `  readings/s            ${grouped(result.readingsPerSecond)}   (${result.seconds.toFixed(1)} s from start() to committed end offsets)`,
    `  steady-state          ${grouped(result.processingReadingsPerSecond)} readings/s over ${result.processingSeconds.toFixed(1)} s (start-up before the first batch: ${result.startupSeconds.toFixed(2)} s)`,
    `  transactions          ${grouped(tx.count)} committed; commit latency p50 ${ms(tx.p50)}, p90 ${ms(tx.p90)}, p99 ${ms(tx.p99)} (bucket-interpolated), mean ${ms(tx.mean)}, slowest in ${tx.slowestBucket}`,
    `  output                window records ${JSON.stringify(result.metrics.windowRecords)}, alert records ${JSON.stringify(result.metrics.alertRecords)}, DLQ ${JSON.stringify(result.metrics.deadLettered)}, late ${result.metrics.late}`,
    `  check (every run)     consumed ${grouped(result.metrics.consumed)} == ${grouped(result.readings)}: ${result.verified.consumedEqualsReadings ? 'OK' : 'MISMATCH'}; processed ${grouped(result.metrics.processed)}: ${result.verified.processedEqualsReadings ? 'OK' : 'MISMATCH'}`,
    `  process RSS           ${Math.round(result.rss.beforeStartMiB)} MiB before start, peak ${Math.round(result.rss.peakMiB)} MiB (sampled every 250 ms; peaks of the runs ${result.runs.map((run) => Math.round(run.rss.peakMiB)).join(', ')} MiB)`,
    `  CPU                   ${cores(result.cpu)}`,
    `  pre-fill (unmeasured) ${result.fill.seconds.toFixed(1)} s, ${grouped(result.fill.readingsPerSecond)} readings/s produced`,
    `  processor log         ${Object.keys(result.processorLog.counts).length === 0 ? 'no warnings or errors' : JSON.stringify(result.processorLog.counts)} (${result.processorLog.file})`,
    ...result.processorLog.messages.slice(0, 8).map(({ message, count }) => `                        ${count} x ${message}`),
  ];
  console.log(lines.join('\n'));
}

function printRestore(result: RestoreResult): void {
  const { written } = result;
  const secondsList = result.runs.map((run) => run.seconds);
  const lines = [
    `Restore: restorePartitions(kafka, changelog, [0]) from ${grouped(written.records)} changelog records`,
    `  changelog             ${Object.entries(written.byKind).map(([kind, count]) => `${kind} ${grouped(count)}`).join(', ')}`,
    `                        ${grouped(written.distinctKeys)} distinct keys, ${mib(written.payloadMiB * 1048576)} MiB of keys+values, ${round(written.eventTimeSpanSeconds / 60, 1)} min of event time; never compacted during the bench`,
    ...result.runs.map((run, i) => `  run ${i + 1}                 ${run.seconds.toFixed(2)} s, ${grouped(run.recordsPerSecond)} records/s -> ${grouped(run.openWindows)} open windows, ${grouped(run.sensors)} sensors; state ${run.stateMatches ? 'OK' : 'MISMATCH'}; RSS ${Math.round(run.rssBeforeMiB)} -> peak ${Math.round(run.rssPeakMiB)} MiB; ${cores(run.cpu)}`),
    `  best / median         ${Math.min(...secondsList).toFixed(2)} s / ${[...secondsList].sort((a, b) => a - b)[Math.floor(secondsList.length / 2)]!.toFixed(2)} s`,
    `  (writing the changelog, unmeasured: ${written.produceSeconds.toFixed(1)} s)`,
  ];
  console.log(lines.join('\n'));
}

function printProducer(result: ProducerResult): void {
  const { perf, recordSize } = result;
  const rate = (value: number | null): string => (value === null ? 'n/a' : grouped(value));
  const cpu = (seconds: number | null, machineCores: number | null): string =>
    `${seconds === null ? '' : `child ${seconds.toFixed(1)} CPU-s (start-up included), `}whole machine ${machineCores === null ? 'n/a' : machineCores.toFixed(2)} of ${cpus().length} cores`;
  const lines = [
    `Producer: the producer CLI (one process) into ${result.topic}, ${result.stepSeconds} s per rate, sensor ids ${result.prefix}*`,
    ...result.steps.map((step) =>
      `  --rate ${grouped(step.requestedRate).padStart(7)}       ${step.sent === null ? 'no summary' : `${grouped(step.sent)} sent in ${step.seconds!.toFixed(1)} s = ${rate(step.readingsPerSecond)} readings/s (${step.sensors ?? '?'} sensors), errors ${step.errors}`}` +
      `${step.stopped === 'no' ? '' : `, stopped (${step.stopped})`}: ${step.keptUp ? 'kept up' : 'FELL BEHIND'}; ${cpu(step.childCpuSeconds, step.machineCores)}` +
      `${step.pipelineLagAtStart === null ? '' : `; pipeline lag at start ${grouped(step.pipelineLagAtStart)}`}`),
    `  our readings/s        ${result.best ? `${grouped(result.best.readingsPerSecond)} (the fastest step: --rate ${grouped(result.best.requestedRate)}, ${result.best.keptUp ? 'kept up' : 'fell behind'})` : 'n/a'}` +
      `; fastest step it kept up with: ${result.bestKeptUp ? `${grouped(result.bestKeptUp.readingsPerSecond)}/s at --rate ${grouped(result.bestKeptUp.requestedRate)}` : 'none'}` +
      `${result.fellBehind ? '' : '; it kept up with every step: raise --producer-rates'}`,
    `  record size           ${recordSize ? `${recordSize.recordBytes.toFixed(1)} bytes = key ${recordSize.keyBytes.toFixed(1)} + value ${recordSize.valueBytes.toFixed(1)} (registry framing + Avro, ${grouped(recordSize.sampled)} records read back; schema ids key ${recordSize.schemaIds.key.join('/')}, value ${recordSize.schemaIds.value.join('/')})` : 'n/a'}`,
    `  gzip                  ${recordSize ? `our records compress to ${Math.round(recordSize.gzipRatio * 100)}% (500-record chunks); ProducerPerformance's random-letter payloads to ${Math.round(recordSize.perfPayloadGzipRatio * 100)}%` : 'n/a'}`,
    `  ProducerPerformance   ${grouped(perf.recordsPerSecond)} records/s (${perf.mbPerSecond} MB/s), ${grouped(perf.records)} records of ${perf.recordSize} bytes (value only, no key), 6 partitions`,
    `                        latency avg ${perf.latencyMs.avg} ms, p50 ${perf.latencyMs.p50}, p95 ${perf.latencyMs.p95}, p99 ${perf.latencyMs.p99}, p99.9 ${perf.latencyMs.p999}, max ${perf.latencyMs.max} ms; ${cpu(perf.childCpuSeconds, perf.machineCores)}`,
    `                        ${Object.entries(perf.props).filter(([name]) => name !== 'bootstrap.servers' && name !== 'client.id').map(([name, value]) => `${name}=${value}`).join(' ')}`,
    `  ratio ours / Kafka's  ${result.ratio === null ? 'n/a' : `${round(result.ratio, 3)} (1 : ${round(1 / result.ratio, 1)})`}`,
    `  check                 send errors: ${result.verified.noSendErrors ? 'none' : 'SOME'}; ProducerPerformance sent all records: ${result.verified.perfSentAll ? 'OK' : 'NO'}`,
  ];
  console.log(lines.join('\n'));
}

/** The running gateway's pid, as the stack tool recorded it (its RSS and CPU are read from /proc). */
function gatewayPid(): number {
  const pid = stackStatus(loadStackConfig()).find((component) => component.name === 'grpc-gateway')?.pid;
  if (pid === undefined) throw new StackDownError('The gRPC gateway is not running (npm run stack -- status). The gateway benchmark needs the whole stack: `npm run stack -- up --apps`.');
  return pid;
}

/** A component's pid from the stack tool (the delivery benchmark reads the broker's CPU from /proc). */
function stackPid(component: string, label: string): number {
  const pid = stackStatus(loadStackConfig()).find((candidate) => candidate.name === component)?.pid;
  if (pid === undefined) throw new StackDownError(`${label} is not running (npm run stack -- status); start the stack with \`npm run stack -- up --apps\`.`);
  return pid;
}

function printFanOut(fanOut: FanOutResult, gatewayAddress: string): string[] {
  const { topic, delivered, verified, cpu } = fanOut;
  return [
    `Gateway fan-out: ${grouped(fanOut.subscribers)} StreamWindowCounts subscribers on ${fanOut.channels} connections to ${gatewayAddress}, each following ${fanOut.sensors} sensors (${fanOut.prefix}*, a reading every ${fanOut.readingIntervalMs} ms each, ${fanOut.seconds} s)`,
    ...(fanOut.stoppedEarly ? [`  STOPPED EARLY         ${fanOut.stoppedEarly}`] : []),
    `  produced              ${grouped(fanOut.produced.sent)} readings in ${fanOut.produced.seconds.toFixed(1)} s by the simulator (errors ${fanOut.produced.errors}), through the running pipeline`,
    `  window records        ${grouped(topic.records)} on ${WINDOW_COUNTS_TOPIC} for the fleet (${grouped(topic.updates)} updates + ${grouped(topic.finals)} finals, ${grouped(topic.windows)} windows${topic.allFinalsSeen ? ', all closed' : ', NOT all closed'}); ${topic.recordsPerSecondWhileProducing.toFixed(1)}/s while producing`,
    `  delivered             ${grouped(delivered.messages)} messages (${grouped(delivered.expected)} = records x subscribers if none were coalesced)`,
    `  messages/s            ${grouped(delivered.steadyMessagesPerSecond)} steady state (over ${delivered.steadySeconds.toFixed(1)} s from 5 s in to the end of production; the topic gave ${delivered.steadyTopicRecordsPerSecond.toFixed(1)} records/s = ${grouped(delivered.steadyTopicRecordsPerSecond * fanOut.subscribers)} to deliver); peak 1 s ${grouped(delivered.peakMessagesPerSecond)}`,
    `  behind                ${grouped(delivered.behindAtProductionEnd)} messages not yet delivered when production ended; every subscriber complete ${delivered.completeAfterProductionSeconds === null ? 'never: updates were coalesced' : `${delivered.completeAfterProductionSeconds.toFixed(1)} s after it (the last windows close about a minute later)`}`,
    `  every update          ${grouped(verified.subscribersExact)} of ${grouped(fanOut.subscribers)} subscribers received exactly the topic's records, in order, once` +
      `${verified.subscribersMismatched > 0 ? `; ${grouped(verified.subscribersMismatched)} were coalesced (missing ${grouped(verified.missing)} intermediate values)` : ''}` +
      `${verified.snapshotMessages > 0 ? `; ${verified.snapshotMessages} snapshot messages` : ''}${Object.keys(verified.streamErrors).length > 0 ? `; stream errors ${JSON.stringify(verified.streamErrors)}` : ''}`,
    `  check                 ${verified.extra === 0 && verified.outOfOrderOrDuplicate === 0 && verified.subscribersWithEveryLatest === fanOut.subscribers ? 'OK' : 'FAILED'}: not on the topic ${grouped(verified.extra)}, out of order or repeated ${grouped(verified.outOfOrderOrDuplicate)}; ${grouped(verified.subscribersWithEveryLatest)} of ${grouped(fanOut.subscribers)} subscribers got every window's final as their last message of it`,
    ...verified.examples.map((example) => `                        ${example}`),
    `  per subscriber        ${grouped(fanOut.perSubscriber.min)} / ${grouped(fanOut.perSubscriber.median)} / ${grouped(fanOut.perSubscriber.max)} messages (fewest / median / most) of ${grouped(topic.records)} records`,
    `  delivery delay        ${quantilesText(fanOut.deliveryDelayMs)} (every 100th subscriber: arrival minus when this bench's own consumer saw the record)`,
    `  subscriber queue      gateway_subscriber_queue_largest at most ${grouped(fanOut.queueLargestMax)} (sampled every 1 s)`,
    `  gateway RSS           ${Math.round(fanOut.gatewayRss.beforeMiB)} MiB before, peak ${Math.round(fanOut.gatewayRss.peakMiB)} MiB (sampled every 250 ms), ${Math.round(fanOut.gatewayRss.afterMiB)} MiB ${fanOut.gatewayRss.afterSeconds.toFixed(1)} s after the calls were cancelled; subscribers released: ${fanOut.subscribersReleased ? 'yes' : 'NO'}`,
    `  CPU (steady state)    gateway ${cpu.gatewayCores.toFixed(2)} cores, this bench process (the ${grouped(fanOut.subscribers)} clients and the simulator) ${cpu.benchCores.toFixed(2)} cores, whole machine ${cpu.machineCores === null ? 'n/a' : cpu.machineCores.toFixed(2)} of ${cpus().length}: clients and gateway share the same cores`,
    `  CPU (whole fan-out)   gateway ${cpu.gatewayCpuSeconds.toFixed(1)} CPU-s, this process ${cpu.benchCpuSeconds.toFixed(1)} CPU-s over ${cpu.totalSeconds.toFixed(1)} s (subscribe to the last delivery); bench RSS peak ${Math.round(fanOut.benchRssPeakMiB)} MiB`,
  ];
}

const quantilesText = (value: Quantiles | null): string =>
  value === null ? 'n/a' : `p50 ${value.p50.toFixed(1)} ms, p95 ${value.p95.toFixed(1)}, p99 ${value.p99.toFixed(1)}, max ${value.max.toFixed(1)} (min ${value.min.toFixed(1)}, mean ${value.mean.toFixed(1)}; n = ${value.count})`;

function printGateway(result: GatewayResult): void {
  const { latency } = result;
  const lines = result.fanOuts.flatMap((fanOut) => printFanOut(fanOut, result.gatewayAddress));
  const subscribers = result.fanOuts[0]?.subscribers ?? 0;
  lines.push(
    `Gateway fan-out ramp: ${grouped(subscribers)} subscribers, each following the whole fleet`,
    '  sensors  to deliver/s  delivered/s  every update  delay p50 / p99       gateway cores  RSS peak',
    ...result.fanOuts.map((fanOut) => `  ${String(fanOut.sensors).padStart(7)}  ${grouped(Math.round(fanOut.delivered.steadyTopicRecordsPerSecond * fanOut.subscribers)).padStart(12)}  ${grouped(fanOut.delivered.steadyMessagesPerSecond).padStart(11)}  ${`${grouped(fanOut.verified.subscribersExact)} of ${grouped(fanOut.subscribers)}`.padStart(12)}  ${(fanOut.deliveryDelayMs ? `${fanOut.deliveryDelayMs.p50.toFixed(0)} / ${fanOut.deliveryDelayMs.p99.toFixed(0)} ms` : 'n/a').padEnd(20)}  ${fanOut.cpu.gatewayCores.toFixed(2).padStart(13)}  ${Math.round(fanOut.gatewayRss.peakMiB)} MiB`),
    `  every subscriber got every update up to ${result.largestExactSensors === null ? 'no step' : `${result.largestExactSensors} sensors`}; beyond that the gateway coalesced (each window's newest value still last)`,
    `Gateway latency: a reading to its OPEN RANGE alert at a StreamAlerts subscriber, ${latency.samples} fresh sensors one every ${latency.spacingMs} ms, 3 readings above the band each`,
    `  from the 3rd ack      ${quantilesText(latency.fromAck)}`,
    `  from before its send  ${quantilesText(latency.fromSend)}`,
    `  the send itself       ${quantilesText(latency.sendMs)} (encode + produce, acks=all)`,
    `  check                 ${latency.received === latency.samples ? 'OK' : 'MISSING'}: ${latency.received} of ${latency.samples} alerts arrived${latency.missingSensors.length > 0 ? ` (not: ${latency.missingSensors.slice(0, 5).join(', ')}${latency.missingSensors.length > 5 ? ', ...' : ''})` : ''}; gateway ${latency.gatewayCores.toFixed(2)} cores meanwhile`,
  );
  const log = result.gatewayLog;
  lines.push(`Gateway log during the run: ${Object.keys(log.counts).length === 0 ? 'no warnings or errors' : JSON.stringify(log.counts)} (${log.file})`);
  lines.push(...log.messages.slice(0, 6).map(({ message, count }) => `                        ${count} x ${message.length > 160 ? `${message.slice(0, 160)}...` : message}`));
  console.log(lines.join('\n'));
}

function printKafkaStreams(result: KafkaStreamsBenchResult): void {
  const { ours, kafkaStreams, agreement } = result;
  const ks = kafkaStreams.caughtUp;
  const { windows, alerts } = agreement;
  const lines = [
    `Kafka Streams baseline: our StreamProcessor and Kafka Streams 3.9.1 on the same input, ${result.rounds.length} round(s) alternating which goes first (exactly-once, commit interval ${result.commitIntervalMs} ms); the first round in detail:`,
    `  input                 ${grouped(result.readings)} readings, ${result.sensors} sensors, ${result.partitions} partitions, ${round(result.fill.eventTimeSpanSeconds / 60, 1)} min of event time; ${grouped(result.faultReadings)} outside their band (RANGE faults); ${result.topics.input}`,
    `  ours                  ${grouped(ours.readingsPerSecond)} readings/s (${ours.seconds.toFixed(1)} s from start() to committed end offsets); steady ${grouped(ours.processingReadingsPerSecond)}/s after ${ours.startupSeconds.toFixed(2)} s start-up`,
    `                        consumed ${grouped(ours.consumed)}, processed ${grouped(ours.processed)}, late ${ours.late}, DLQ ${JSON.stringify(ours.deadLettered)}; windows ${JSON.stringify(ours.windowRecords)}, alerts ${JSON.stringify(ours.alertRecords)}`,
    `                        RSS peak ${Math.round(ours.rssPeakMiB)} MiB (bench process); ${cores(ours.cpu)}; log ${Object.keys(ours.log.counts).length === 0 ? 'no warnings or errors' : JSON.stringify(ours.log.counts)} (${ours.log.file})`,
    `  Kafka Streams         ${grouped(ks.readingsPerSecond)} readings/s (${ks.seconds.toFixed(1)} s from KafkaStreams.start() to committed end offsets); steady ${ks.processingReadingsPerSecond === null ? 'n/a' : grouped(ks.processingReadingsPerSecond)}/s after ${ks.startupSeconds === null ? 'n/a' : ks.startupSeconds.toFixed(2)} s start-up`,
    `                        ${kafkaStreams.threads} stream thread(s), ${kafkaStreams.store} stores, -Xmx${kafkaStreams.heapMiB}m; ${kafkaStreams.launchToCaughtUpSeconds.toFixed(1)} s from launching the JVM (${ks.jvmUptimeAtStartSeconds.toFixed(2)} s before start()); processed ${grouped(ks.readingsProcessed)}, windows ${grouped(ks.windowsEmitted)}, alerts ${grouped(ks.alertsEmitted)}`,
    `                        JVM ${ks.cores.toFixed(2)} cores busy (${ks.cpuSeconds.toFixed(1)} CPU-s), GC ${ks.gcSeconds.toFixed(2)} s in ${ks.gcCollections} collections, RSS peak ${ks.rssPeakMiB === null ? 'n/a' : Math.round(ks.rssPeakMiB)} MiB; closed ${kafkaStreams.closedCleanly ? 'cleanly' : 'NOT cleanly'}${kafkaStreams.closeSeconds === null ? '' : ` in ${kafkaStreams.closeSeconds.toFixed(1)} s`} (${kafkaStreams.logFile})`,
    `                        stream thread while processing: ${kafkaStreams.whileProcessing === null ? 'n/a' : `process ${Math.round(kafkaStreams.whileProcessing.processRatio * 100)}%, commit ${Math.round(kafkaStreams.whileProcessing.commitRatio * 100)}%, poll ${Math.round(kafkaStreams.whileProcessing.pollRatio * 100)}% (${kafkaStreams.whileProcessing.samples} samples of Kafka's metrics, 5 s apart)`}; ${ks.thread['commit-total'] ?? '?'} commits, latency avg ${kafkaStreams.whileProcessing?.commitLatencyAvgMs?.toFixed(1) ?? 'n/a'} ms, max ${ks.thread['commit-latency-max']?.toFixed(0) ?? 'n/a'} ms`,
    `  rounds                ${result.rounds.map((r, index) => `${index + 1} (${r.first === 'ours' ? 'ours first' : 'KS first'}): ${grouped(r.oursReadingsPerSecond)} vs ${grouped(r.kafkaStreamsReadingsPerSecond)}, ${round(r.ratio, 2)}`).join('; ')}`,
    `  ratio ours / KS       ${round(result.ratio, 3)} (1 : ${round(1 / result.ratio, 2)}), medians ${grouped(result.median.oursReadingsPerSecond)} vs ${grouped(result.median.kafkaStreamsReadingsPerSecond)} readings/s${result.jar.built ? `; the jar was built first (${result.jar.buildSeconds?.toFixed(0)} s, not timed)` : ''}`,
    `  check windows         ${windows.missingInKafkaStreams === 0 && windows.extraInKafkaStreams === 0 && windows.differing === 0 ? 'OK' : 'MISMATCH'}: ${grouped(windows.matching)} of ${grouped(windows.ours)} final windows identical (count, min, max, sum, mean, first/last event time); only ours ${windows.missingInKafkaStreams}, only Kafka Streams ${windows.extraInKafkaStreams}, different ${windows.differing}; ${grouped(windows.oursStillOpen)} still open at the end on ours (no final on either side)`,
    `  check RANGE alerts    ${alerts.missingInKafkaStreams === 0 && alerts.extraInKafkaStreams === 0 && alerts.differing === 0 ? 'OK' : 'MISMATCH'}: ${grouped(alerts.matching)} of ${grouped(alerts.ours)} occurrences identical (opening and clearing); only ours ${alerts.missingInKafkaStreams}, only Kafka Streams ${alerts.extraInKafkaStreams}, different ${alerts.differing}; records ours ${JSON.stringify(alerts.oursRecords)}, Kafka Streams ${JSON.stringify(alerts.kafkaStreamsRecords)}`,
    ...[...windows.examples, ...alerts.examples].map((example) => `                        ${example}`),
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    return 2;
  }
  if (options.help) {
    console.log(HELP);
    return 0;
  }
  if (options.reportFrom !== undefined) {
    // npm runs this in bench/: a relative path means relative to where `npm run bench` was typed.
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), options.reportFrom);
    let saved: ReportInput;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as ReportInput;
    } catch (error) {
      console.error(`bench: --report-from: cannot read a results JSON from ${file}: ${(error as Error).message}`);
      return 2;
    }
    const files = await writeBenchmarkDocs({ ...saved, command: saved.command ?? 'npm run bench' }, saved, DOCS_DIR);
    console.log(`wrote ${files.join(', ')} from ${file}`);
    return 0;
  }
  // As npm test does: start whatever part of the stack and the pipeline is not running (before
  // anything is timed), and stop only that at the end.
  const stack = loadStackConfig();
  const startedComponents = await upWithApps(stack, progress);

  const signal = abortOnInterrupt();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const outDir = join(tmpdir(), 'iot-bench');
  mkdirSync(outDir, { recursive: true });
  const env = machine();
  progress(`bench run ${runId} on ${env.cpus} x ${env.cpuModel}, ${env.memoryGiB} GiB, node ${env.node}; load average ${env.loadAverageAtStart.join(' ')}`);

  const harnessLogger = createLogger('bench', 'warn');
  const kafka = createKafka(`bench-${runId}`, config.KAFKA_BROKERS, harnessLogger);
  const registry = createRegistry(config.SCHEMA_REGISTRY_URL);
  const admin = kafka.admin();
  await admin.connect();
  const resources = new Resources();
  const results: { runId: string; startedAt: string; command: string; machine: typeof env; options: typeof options; input?: BenchInput['fill']; throughput?: ThroughputResult; ceiling?: CeilingResult; scaling?: ScalingResult; restore?: RestoreResult; producer?: ProducerResult; gateway?: GatewayResult; kafkaStreams?: KafkaStreamsBenchResult; dashboard?: DashboardResult; latency?: LatencyBenchResult; delivery?: DeliveryBenchResult; cleanupProblems?: string[] } = {
    runId,
    startedAt: new Date().toISOString(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    machine: env,
    options,
  };
  let failed = false;
  try {
    // One pre-filled input for every benchmark that reads readings (each in its own group).
    let input: BenchInput | undefined;
    if (options.throughput || options.ceiling || options.kafkaStreams || options.scaling) {
      input = await prepareInput({ kafka, admin, registry }, { runId, readings: options.readings, sensors: options.sensors, spacingMs: 10, registryUrl: config.SCHEMA_REGISTRY_URL, signal, progress }, resources);
      results.input = input.fill;
    }
    if (input && (options.throughput || options.ceiling)) {
      // The ceiling needs our runs for its ratio: its tools run after each throughput run.
      const ceiling = options.ceiling
        ? new CeilingBench(input, { runId, isolationLevel: options.consumerIsolation, perfProps: options.perfProps, brokers: config.KAFKA_BROKERS, outDir, signal, progress }, resources, admin)
        : undefined;
      results.throughput = await runThroughput(
        input,
        {
          runId,
          commitIntervalMs: options.commitIntervalMs,
          repeats: options.repeats,
          warmUpReadings: options.warmUpReadings,
          brokers: config.KAFKA_BROKERS,
          registryUrl: config.SCHEMA_REGISTRY_URL,
          outDir,
          signal,
          progress,
        },
        resources,
        admin,
        { afterRun: ceiling ? (index) => ceiling.round(index) : undefined },
      );
      if (ceiling) results.ceiling = ceiling.result(results.throughput);
    }
    if (options.restore) {
      results.restore = await runRestore(
        {
          runId,
          records: options.changelogRecords,
          sensors: options.changelogSensors,
          runs: options.restoreRuns,
          signal,
          progress,
          collectGarbage: () => (globalThis as { gc?: () => void }).gc?.(),
        },
        resources,
        { kafka, admin },
      );
    }
    if (options.producer) {
      results.producer = await runProducerBench(
        {
          runId,
          rates: options.producerRates,
          stepSeconds: options.producerSeconds,
          perfRecords: options.perfRecords,
          perfProps: options.perfProps,
          pipelineGroup: config.PROCESSOR_GROUP_ID,
          brokers: config.KAFKA_BROKERS,
          registryUrl: config.SCHEMA_REGISTRY_URL,
          outDir,
          signal,
          progress,
        },
        resources,
        { kafka, admin },
      );
    }
    if (options.gateway) {
      results.gateway = await runGatewayBench(
        {
          runId,
          subscribers: options.gatewaySubscribers,
          channels: options.gatewayChannels,
          sensorSteps: options.gatewaySensorSteps,
          seconds: options.gatewaySeconds,
          latencySamples: options.latencySamples,
          latencySpacingMs: options.latencySpacingMs,
          gatewayAddress: config.GATEWAY_ADDRESS,
          metricsUrl: config.GATEWAY_METRICS_URL,
          token: config.GATEWAY_TOKEN,
          gatewayPid: config.GATEWAY_PID || gatewayPid(),
          gatewayLogFile: config.GATEWAY_LOG_FILE || join(loadStackConfig().paths.logs, 'grpc-gateway.log'),
          rssLimitMiB: options.gatewayRssLimitMiB,
          registryUrl: config.SCHEMA_REGISTRY_URL,
          signal,
          progress,
        },
        resources,
        { kafka, admin, registry },
      );
    }
    if (input && options.kafkaStreams) {
      results.kafkaStreams = await runKafkaStreamsBench(
        input,
        {
          runId,
          rounds: options.ksRounds,
          commitIntervalMs: options.commitIntervalMs,
          threads: options.ksThreads,
          store: options.ksStore,
          heapMiB: options.ksHeapMiB,
          brokers: config.KAFKA_BROKERS,
          registryUrl: config.SCHEMA_REGISTRY_URL,
          outDir,
          signal,
          progress,
        },
        resources,
        { kafka, admin, registry },
      );
    }
    if (input && options.scaling) {
      results.scaling = await runScalingBench(
        input,
        { runId, instances: options.scalingInstances, rounds: options.scalingRounds, commitIntervalMs: options.commitIntervalMs, brokers: config.KAFKA_BROKERS, registryUrl: config.SCHEMA_REGISTRY_URL, outDir, signal, progress },
        resources,
        { kafka, admin, registry },
      );
    }
    if (options.latency) {
      results.latency = await runLatencyBench(
        {
          runId,
          rate: options.latencyRate,
          seconds: options.latencySeconds,
          spikeEveryMs: options.latencySpikeEveryMs,
          gatewayAddress: config.GATEWAY_ADDRESS,
          token: config.GATEWAY_TOKEN,
          dashboardUrl: config.DASHBOARD_URL.replace(/\/$/, ''),
          pipelineGroup: config.PROCESSOR_GROUP_ID,
          brokers: config.KAFKA_BROKERS,
          registryUrl: config.SCHEMA_REGISTRY_URL,
          signal,
          progress,
        },
        { kafka, admin, registry },
      );
    }
    if (options.delivery) {
      const broker = config.KAFKA_BROKERS[0] ?? '127.0.0.1:9092';
      results.delivery = await runDeliveryBench(
        {
          runId,
          subscribers: options.deliverySubscribers,
          channels: options.deliveryChannels,
          sensors: options.deliverySensors,
          seconds: options.deliverySeconds,
          kafkaFirst: options.deliveryKafkaFirst,
          gatewayAddress: config.GATEWAY_ADDRESS,
          token: config.GATEWAY_TOKEN,
          gatewayPid: config.GATEWAY_PID || gatewayPid(),
          brokerPid: stackPid('kafka', 'Kafka'),
          processorPid: stackPid('stream-processor', 'The stream processor'),
          brokerPort: Number(broker.slice(broker.lastIndexOf(':') + 1)),
          registryUrl: config.SCHEMA_REGISTRY_URL,
          signal,
          progress,
        },
        resources,
        { kafka, admin, registry },
      );
    }
    if (options.dashboard) {
      results.dashboard = await runDashboardBench({
        runId,
        dashboardUrl: config.DASHBOARD_URL.replace(/\/$/, ''),
        gatewayAddress: config.GATEWAY_ADDRESS,
        gatewayToken: config.GATEWAY_TOKEN,
        sensors: options.dashboardSensors,
        seconds: options.dashboardSeconds,
        spikeEveryMs: options.dashboardSpikeEveryMs,
        cpuProfileFile: join(outDir, `dashboard-${runId}.cpuprofile`),
        signal,
        progress,
      });
    }
  } catch (error) {
    failed = true;
    if (signal.aborted) console.error('bench: interrupted');
    else console.error(`bench: failed: ${(error as Error).stack ?? String(error)}`);
  } finally {
    progress(`cleaning up: ${resources.topics.size} topics, ${resources.groups.size} groups, ${resources.subjectTopics.size * 2} schema subjects`);
    results.cleanupProblems = await resources.delete(admin, config.SCHEMA_REGISTRY_URL);
    for (const problem of results.cleanupProblems) progress(`  cleanup: ${problem}`);
    await admin.disconnect();
    if (startedComponents.length > 0) {
      progress(`stopping what the bench started: ${startedComponents.join(', ')}`);
      await stackDown(stack, progress, startedComponents);
    }
  }

  const file = join(outDir, `results-${runId}.json`);
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(join(outDir, 'latest.json'), json);
  console.log('');
  console.log(`=== bench ${runId}: ${env.cpus} x ${env.cpuModel}, ${env.memoryGiB} GiB RAM, node ${env.node}; load average at start ${env.loadAverageAtStart.join(' ')} ===`);
  if (results.throughput) printThroughput(results.throughput);
  if (results.ceiling) console.log(printCeiling(results.ceiling).join('\n'));
  if (results.restore) printRestore(results.restore);
  if (results.producer) printProducer(results.producer);
  if (results.gateway) printGateway(results.gateway);
  if (results.kafkaStreams) printKafkaStreams(results.kafkaStreams);
  if (results.scaling) console.log(printScaling(results.scaling).join('\n'));
  if (results.latency) console.log(printLatency(results.latency).join('\n'));
  if (results.dashboard) console.log(printDashboard(results.dashboard).join('\n'));
  if (results.delivery) console.log(printDelivery(results.delivery).join('\n'));
  console.log(`results: ${file} (also ${join(outDir, 'latest.json')})`);
  if (failed) return signal.aborted ? 130 : 1;
  const checks = [
    results.throughput?.verified.consumedEqualsReadings ?? true,
    results.throughput?.verified.processedEqualsReadings ?? true,
    results.ceiling?.verified.consumerReadAll ?? true,
    results.ceiling?.verified.producerSentAll ?? true,
    results.scaling?.verified.everyStepExact ?? true,
    ...(results.restore?.runs.map((run) => run.stateMatches) ?? []),
    results.producer?.verified.noSendErrors ?? true,
    results.producer?.verified.perfSentAll ?? true,
    results.gateway?.verified.deliveriesSound ?? true,
    results.gateway?.verified.everyAlertArrived ?? true,
    results.kafkaStreams?.agreement.agree ?? true,
    results.kafkaStreams ? results.kafkaStreams.ours.processed === results.kafkaStreams.readings && results.kafkaStreams.ours.consumed === results.kafkaStreams.readings : true,
    results.kafkaStreams ? results.kafkaStreams.kafkaStreams.caughtUp.readingsProcessed === results.kafkaStreams.readings : true,
    ...Object.values(results.dashboard?.checks ?? {}),
    ...Object.values(results.latency?.checks ?? {}),
    results.delivery?.verified.grpcSound ?? true,
    results.delivery?.verified.kafkaExact ?? true,
  ];
  if (checks.includes(false)) {
    console.error(`bench: a correctness check failed (see above)${options.report ? `; ${DOCS_DIR} left as it was` : ''}`);
    return 1;
  }
  if (options.report) {
    const files = await writeBenchmarkDocs(results, results, DOCS_DIR);
    console.log(`report: ${files.join(', ')}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof StackDownError || error instanceof StackError ? error.message : ((error as Error).stack ?? String(error))}`);
    process.exit(1);
  },
);
