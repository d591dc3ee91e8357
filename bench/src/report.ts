import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InputFill } from './bench-input.ts';
import type { CeilingResult } from './ceiling-bench.ts';
import { barChartSvg, svgToPng, type Bar, type Panel } from './chart.ts';
import type { DashboardResult } from './dashboard-bench.ts';
import type { DeliveryBenchResult, DeliveryPathResult } from './delivery-bench.ts';
import type { Quantiles } from './gateway-bench.ts';
import type { KafkaStreamsBenchResult } from './kafka-streams-bench.ts';
import type { LatencyBenchResult } from './latency-bench.ts';
import type { ScalingResult } from './scaling-bench.ts';
import { grouped, round } from './support.ts';
import type { ThroughputResult } from './throughput.ts';

/** What the report needs of a run's results JSON (main.ts writes more). */
export interface ReportInput {
  runId: string;
  startedAt: string;
  /** The command line that produced the run, e.g. `npm run bench`. */
  command: string;
  machine: { cpuModel: string; cpus: number; memoryGiB: number; node: string; kernel: string; loadAverageAtStart: number[] };
  input?: InputFill;
  throughput?: ThroughputResult;
  ceiling?: CeilingResult;
  scaling?: ScalingResult;
  kafkaStreams?: KafkaStreamsBenchResult;
  dashboard?: DashboardResult;
  latency?: LatencyBenchResult;
  delivery?: DeliveryBenchResult;
}

export const DOC_FILES = { markdown: 'benchmarks.md', json: 'benchmarks.json', chart: 'benchmarks.png' } as const;

const table = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

const msText = (value: number): string => (value >= 100 ? grouped(value) : round(value, 1).toFixed(1));
const quantileCells = (q: Quantiles | null): string[] =>
  q === null ? ['n/a', 'n/a', 'n/a', 'n/a', '0'] : [msText(q.p50), msText(q.p95), msText(q.p99), msText(q.max), String(q.count)];
const QUANTILE_HEADER = ['p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'n'] as const;
const ok = (passed: boolean): string => (passed ? 'passed' : '**FAILED**');
const check = (what: string, passed: boolean): string => `${what}: ${ok(passed)}`;
const fourQuantiles = (q: Quantiles | null): string => (q === null ? 'n/a' : `p50 ${msText(q.p50)}, p95 ${msText(q.p95)}, p99 ${msText(q.p99)}, max ${msText(q.max)} ms`);

function machineSection(input: ReportInput): string {
  const { machine } = input;
  return [
    '## Machine',
    '',
    table(['', ''], [
      ['CPU', `${machine.cpus} × ${machine.cpuModel}`],
      ['Memory', `${machine.memoryGiB} GiB`],
      ['Node.js', machine.node],
      ['Kernel', machine.kernel],
      ['Load average at the start', machine.loadAverageAtStart.join(' / ')],
      ['Also running', 'the whole local stack on the same machine: Kafka 3.9.1 (KRaft, one node), Apicurio Registry, Kafka Connect, PostgreSQL, the pipeline\'s own processor, gateway and dashboard'],
    ]),
  ].join('\n');
}

function inputSection(input: InputFill): string {
  return [
    '## The input',
    '',
    `One topic, \`${input.topic}\` (${input.partitions} partitions, like \`iot.sensor-readings\`), is filled once per run with ${grouped(input.readings)} simulated readings of ${grouped(input.sensors)} sensors, ${input.spacingMs} ms apart in event time (${round(input.eventTimeSpanSeconds / 3600, 1)} h), ${grouped(input.faultReadings)} of them outside their band so that RANGE alerts open and clear. The content is fixed (seeded noise; sha256 \`${input.contentSha256.slice(0, 16)}…\` in every run of this size); records average ${round(input.recordBytes, 1)} bytes (key ${round(input.keyBytes, 1)} + value ${round(input.valueBytes, 1)}, registry framing and Avro). Throughput, the ceiling, Kafka Streams and scaling all read this same topic, each with its own consumer group and output topics. Filling it (not measured) took ${input.seconds.toFixed(0)} s.`,
  ].join('\n');
}

function throughputSection(result: ThroughputResult): string {
  const tx = result.metrics.transactions;
  return [
    '## Processing throughput: one stream processor, exactly-once',
    '',
    `One \`StreamProcessor\` with exactly-once on (a transaction per partition every ${result.commitIntervalMs} ms: outputs, changelog and input offsets together), timed from start() until its committed offsets reach the end of every input partition, every final window and alert emitted. ${result.warmUp ? `An untimed warm-up processor consumed ${grouped(result.warmUp.consumed)} readings first; then ` : ''}${result.repeats} timed runs, each in a fresh group with fresh output topics.`,
    '',
    table(['run', 'readings/s', 'time', 'steady state', 'start-up', 'RSS peak', 'processor cores', 'check'], result.runs.map((run, i) => [
      `${i + 1}${i === result.medianRun ? ' (median)' : ''}`,
      i === result.medianRun ? `**${grouped(run.readingsPerSecond)}**` : grouped(run.readingsPerSecond),
      `${run.seconds.toFixed(1)} s`,
      `${grouped(run.processingReadingsPerSecond)}/s`,
      `${run.startupSeconds.toFixed(2)} s`,
      `${Math.round(run.rss.peakMiB)} MiB`,
      run.cpu.processCores.toFixed(2),
      ok(run.verified.consumedEqualsReadings && run.verified.processedEqualsReadings),
    ])),
    '',
    `Median **${grouped(result.median.readingsPerSecond)} readings/s** (steady state ${grouped(result.median.processingReadingsPerSecond)}/s). In the median run: ${grouped(tx.count)} transactions, commit latency p50 ${round(tx.p50 * 1000, 1)} ms, p90 ${round(tx.p90 * 1000, 1)} ms; output ${Object.entries(result.metrics.windowRecords).map(([kind, count]) => `${grouped(count)} ${kind} window records`).join(', ')}; alert records ${Object.entries(result.metrics.alertRecords).map(([state, count]) => `${state} ${grouped(count)}`).join(', ') || 'none'}; the machine ${result.cpu.machineCores?.toFixed(2) ?? 'n/a'} cores busy. The check is that every reading was consumed and processed exactly once.`,
  ].join('\n');
}

function ceilingSection(result: CeilingResult): string {
  const m = result.median;
  return [
    '## Ceiling: the broker\'s own read and write rates',
    '',
    `Kafka's \`org.apache.kafka.tools.ConsumerPerformance\` reads all ${grouped(result.records)} records of the same input (${result.isolationLevel}, as our processor reads; a fresh group each time), and \`ProducerPerformance\` writes as many records of the same size (${Math.round(result.recordBytes)} bytes) into a fresh ${result.partitions}-partition topic (acks=all, idempotent, gzip). One round of each follows each timed throughput run, so the three are measured under the same conditions. They do no decoding, no windowing and no transactions: this is what the broker and one client can move on this machine, not a target for a stream processor.`,
    '',
    table(['', 'records/s (median)', 'MB/s', 'each round'], [
      ['ConsumerPerformance (read)', `**${grouped(m.consumerRecordsPerSecond)}**`, m.consumerMbPerSecond.toFixed(2), result.consumerPerformance.map((run) => grouped(run.recordsPerSecond)).join(', ')],
      ['… its fetches only (group join left out)', grouped(m.consumerFetchRecordsPerSecond), '', result.consumerPerformance.map((run) => grouped(run.fetchRecordsPerSecond)).join(', ')],
      ['ProducerPerformance (write)', `**${grouped(m.producerRecordsPerSecond)}**`, m.producerMbPerSecond.toFixed(2), result.producerPerformance.map((run) => grouped(run.recordsPerSecond)).join(', ')],
      ['our processor (exactly-once)', `**${grouped(m.oursReadingsPerSecond)}**`, m.oursMbPerSecond.toFixed(2), result.oursReadingsPerSecond.map(grouped).join(', ')],
    ]),
    '',
    `**Our processor runs at ${round(result.oursOverConsumer, 3)} of the raw read rate** (per round ${result.roundRatios.map((ratio) => round(ratio, 3)).join(', ')}; ${round(result.oursOverConsumerFetch, 3)} of the fetch-only rate) and ${result.oursOverProducer.toFixed(2)} of the raw write rate. Checks: ${check('ConsumerPerformance read every record', result.verified.consumerReadAll)}; ${check('ProducerPerformance sent every record', result.verified.producerSentAll)}.`,
  ].join('\n');
}

function scalingSection(result: ScalingResult): string {
  return [
    '## Scaling: one, two and three processor instances',
    '',
    `The same input processed by 1, 2 and 3 \`StreamProcessor\` instances in one consumer group, each instance its own OS process, each run with a fresh group and output topics, timed from "start" (every instance built and connected) to the group's committed end offsets on all ${result.partitions} partitions; the first rebalance is inside the time. Every step ran ${result.rounds} time(s), the steps in turn (1, 2, 3, 1, 2, 3, …); a step's figures are its median run's. Every final window read back is checked against the input in every run, and the finals must be identical in every run.`,
    '',
    table(['instances', 'readings/s (median)', 'runs', 'speedup', 'machine cores busy', 'instances\' cores', 'readings redone after a rebalance', 'final windows exact', 'check'], result.steps.map((step) => [
      String(step.instances),
      `**${grouped(step.readingsPerSecond)}**`,
      step.runsReadingsPerSecond.map((rate) => grouped(rate)).join(', '),
      `${step.speedup.toFixed(2)}×`,
      `${step.cpu.machineCores?.toFixed(2) ?? 'n/a'} of ${step.cpu.machineCpus}`,
      step.cpu.instancesCores.toFixed(2),
      grouped(step.redoneReadings),
      `${grouped(step.check.finalWindowsExact)} of ${grouped(step.check.finalWindows)}`,
      ok(step.check.exact),
    ])),
    '',
    `This machine has ${result.machineCpus} cores, shared by the broker, the registry, Connect and the instances: once one instance and the broker keep them busy, more instances only take turns on the same cores. Partitions (${result.partitions}) allow up to ${result.partitions} instances; the speedup needs the cores to go with them. "Redone" readings are those a partition's new owner processed again after a rebalance moved it mid-transaction (the aborted transaction's work): exactly-once held, as the finals show.`,
  ].join('\n');
}

function kafkaStreamsSection(result: KafkaStreamsBenchResult): string {
  const { ours, kafkaStreams, agreement } = result;
  const ks = kafkaStreams.caughtUp;
  const windowsAgree = agreement.windows.missingInKafkaStreams === 0 && agreement.windows.extraInKafkaStreams === 0 && agreement.windows.differing === 0;
  const alertsAgree = agreement.alerts.missingInKafkaStreams === 0 && agreement.alerts.extraInKafkaStreams === 0 && agreement.alerts.differing === 0;
  return [
    '## Kafka Streams baseline',
    '',
    `A Java Kafka Streams 3.9.1 application (\`bench/kafka-streams\`, \`exactly_once_v2\`, ${kafkaStreams.threads} stream thread(s), ${kafkaStreams.store} stores, -Xmx${kafkaStreams.heapMiB}m, Apicurio's Avro serde in the Confluent wire format) computes the same per-minute windows and the same static-range (RANGE) alerts as our processor, from the same input topic (${grouped(result.readings)} readings, ${grouped(result.faultReadings)} of them outside their band), to its own output topics. ${result.rounds.length} round(s), each running both one after the other and alternating which goes first, each run timed from start() to its committed end offsets, in a fresh group into fresh output topics; Kafka Streams starts a fresh JVM every time, as a deployment would.`,
    '',
    table(['round', 'first', 'ours, readings/s', 'Kafka Streams, readings/s', 'ours / KS'], [
      ...result.rounds.map((r, index) => [String(index + 1), r.first === 'ours' ? 'ours' : 'Kafka Streams', grouped(r.oursReadingsPerSecond), grouped(r.kafkaStreamsReadingsPerSecond), r.ratio.toFixed(2)]),
      ['**median**', '', `**${grouped(result.median.oursReadingsPerSecond)}**`, `**${grouped(result.median.kafkaStreamsReadingsPerSecond)}**`, `**${result.ratio.toFixed(2)}**`],
    ]),
    '',
    'The first round in detail (its outputs are the ones compared):',
    '',
    table(['', 'ours (TypeScript, kafkajs)', 'Kafka Streams 3.9.1'], [
      ['readings/s, start() to committed end', `**${grouped(ours.readingsPerSecond)}** (${ours.seconds.toFixed(1)} s)`, `**${grouped(ks.readingsPerSecond)}** (${ks.seconds.toFixed(1)} s)`],
      ['steady state', `${grouped(ours.processingReadingsPerSecond)}/s`, ks.processingReadingsPerSecond === null ? 'n/a' : `${grouped(ks.processingReadingsPerSecond)}/s`],
      ['start-up (start() to first reading)', `${ours.startupSeconds.toFixed(2)} s`, ks.startupSeconds === null ? 'n/a' : `${ks.startupSeconds.toFixed(2)} s (+ ${ks.jvmUptimeAtStartSeconds.toFixed(1)} s JVM before start())`],
      ['CPU, memory', `${ours.cpu.processCores.toFixed(2)} cores; RSS peak ${Math.round(ours.rssPeakMiB)} MiB`, `${ks.cores.toFixed(2)} cores; RSS peak ${ks.rssPeakMiB === null ? 'n/a' : Math.round(ks.rssPeakMiB)} MiB`],
    ]),
    '',
    `**Ratio ours / Kafka Streams, of the medians: ${result.ratio.toFixed(2)}.** The first round's outputs compared record by record: ${grouped(agreement.windows.matching)} of ${grouped(agreement.windows.ours)} final windows identical (${ok(windowsAgree)}), ${grouped(agreement.alerts.matching)} of ${grouped(agreement.alerts.ours)} RANGE alert occurrences identical in opening and clearing (${ok(alertsAgree)}).`,
  ].join('\n');
}

function dashboardSection(result: DashboardResult): string {
  const tasks = result.mainThreadTasksMs;
  const hottest = result.hottest.filter((entry) => !entry.function.startsWith('(idle)')).slice(0, 3);
  return [
    '## Dashboard: the Fleet page with live sensors',
    '',
    `The dashboard's Fleet page (\`/fleet\`) in headless Chromium (Debian's \`chromium\`, 1280×900) while ${result.sensors} sensors send a reading a second each through the gateway's \`IngestReadings\`, so through Kafka and the processor like any reading (${grouped(result.readingsSent)} sent, ${result.ingestRejected} rejected); the page showed ${result.rowsShown} rows: these, the registry's sensors and any other sensor the gateway saw recently (the latency benchmark's among them). Measured for ${Math.round(result.seconds)} s: every top-level task of the renderer's main thread from Chromium's trace, and the Performance API's \`longtask\` entries from a \`PerformanceObserver\` installed before the page's scripts. Every ${grouped(result.spikeEveryMs)} ms the next sensor gets readings above its band, and a \`MutationObserver\` in the page times its row turning ALERTING.`,
    '',
    table(['', ''], [
      ['main-thread tasks, p95', `**${tasks === null ? 'n/a' : `${msText(tasks.p95)} ms`}** (target: under 50 ms; p50 ${tasks === null ? 'n/a' : msText(tasks.p50)}, p99 ${tasks === null ? 'n/a' : msText(tasks.p99)}, max ${tasks === null ? 'n/a' : msText(tasks.max)} ms; ${tasks === null ? 0 : grouped(tasks.count)} tasks)`],
      ['main thread busy', `${Math.round(result.busyFraction * 100)}% of the time`],
      ['long tasks (> 50 ms, Performance API)', result.longTasks.count === 0 ? 'none' : `${result.longTasks.count} (${round(result.longTasks.perMinute, 1)}/min, ${msText(result.longTasks.totalMs)} ms in all), longest ${msText(result.longTasks.maxMs)} ms`],
      ['spike sent → row ALERTING', result.sendToAlertingMs === null ? 'n/a' : `p50 ${msText(result.sendToAlertingMs.p50)} ms, p95 ${msText(result.sendToAlertingMs.p95)} ms, max ${msText(result.sendToAlertingMs.max)} ms (${result.spikesSeenAlerting} of ${result.spikes} seen; target: within 5 s)`],
    ]),
    '',
    `The trace counts every task the thread runs; the Performance API reports only the tasks it attributes to the page's event loop, so the trace's longest task can exceed 50 ms without a \`longtask\` entry. Checks: task p95 under 50 ms: ${ok(result.checks.taskP95Under50Ms)}; every spike turned its row ALERTING: ${ok(result.checks.everySpikeAlerting)}; spike → ALERTING p95 within 5 s: ${ok(result.checks.alertingP95Within5s)}.${hottest.length === 0 ? '' : ` Most self time in the page's CPU profile: ${hottest.map((entry) => `\`${entry.function.replace(/ :0$/, '')}\` ${grouped(entry.selfMs)} ms`).join(', ')} (\`(program)\` is Chromium's own style, layout and paint).`}`,
  ].join('\n');
}

function latencySection(result: LatencyBenchResult): string {
  const { load, processorLag } = result;
  const topic = load.topicPerSecond;
  return [
    `## End-to-end latency at a steady ${grouped(load.requestedRate)} readings/s`,
    '',
    `The producer CLI keeps ${grouped(load.requestedRate)} normal readings/s flowing into \`iot.sensor-readings\` (achieved ${load.achievedRate === null ? 'n/a' : grouped(load.achievedRate)}/s; per second on the topic min ${topic ? grouped(topic.min) : 'n/a'}, median ${topic ? grouped(topic.median) : 'n/a'}, max ${topic ? grouped(topic.max) : 'n/a'}). Every ${result.spikes.everyMs} ms a fresh sensor gets ${result.spikes.readingsEach} readings above its band; a sample is the time from the crossing reading's produce timestamp to its OPEN RANGE alert arriving at a gRPC \`StreamAlerts\` subscriber and, in the same run, at the dashboard's SSE stream (\`/api/alerts/stream\`, read by an HTTP client). Both were attached before the load started.`,
    '',
    table(['path', ...QUANTILE_HEADER, 'missing', 'duplicated'], [
      ['gRPC `StreamAlerts`', ...quantileCells(result.grpc.fromProduceMs), String(result.grpc.missing.length), String(result.grpc.duplicates)],
      ['dashboard SSE', ...quantileCells(result.sse.fromProduceMs), String(result.sse.missing.length), String(result.sse.duplicates)],
      ['SSE minus gRPC, per sample', ...quantileCells(result.sseMinusGrpcMs), '', ''],
    ]),
    '',
    `The stream processor ${processorLag.keptUp ? 'kept up' : '**did not keep up**'}: its group's lag was at most ${processorLag.max === null ? 'n/a' : grouped(processorLag.max)} records (${processorLag.maxSeconds === null ? 'n/a' : processorLag.maxSeconds.toFixed(2)} s of input), median ${processorLag.median === null ? 'n/a' : grouped(processorLag.median)}. The machine was ${result.cpu.machineCores?.toFixed(2) ?? 'n/a'} cores busy (${Object.entries(result.cpu.components).map(([name, cores]) => `${name} ${cores.toFixed(2)}`).join(', ')}). ${check('One alert per spike on each path', result.checks.grpcOneAlertPerSpike && result.checks.sseOneAlertPerSpike)}.`,
  ].join('\n');
}

function deliverySection(result: DeliveryBenchResult): string {
  const paths: Array<[string, DeliveryPathResult]> = [['gRPC gateway', result.grpc], ['Kafka, directly', result.kafka]];
  const row = (label: string, cell: (path: DeliveryPathResult) => string): string[] => [label, ...paths.map(([, path]) => cell(path))];
  const q = (value: Quantiles | null): string => (value === null ? 'n/a' : `${msText(value.p50)} / ${msText(value.p95)} / ${msText(value.p99)} / ${msText(value.max)}`);
  return [
    `## Delivering live data: ${result.subscribers} subscribers through the gateway, or straight from Kafka`,
    '',
    `The same kind of live fleet (${result.sensors} sensors, 2 readings/s each, ${result.seconds} s, through the running pipeline) followed by ${result.subscribers} subscribers of its per-minute window counts, first one way, then the other (${result.first} first): ${result.subscribers} gRPC \`StreamWindowCounts\` calls over ${result.grpc.connections} connections, or ${result.subscribers} kafkajs consumers, each in its own consumer group (as independent services would be), read_committed, decoding Avro through the registry and filtering to the fleet. Each subscriber is compared with the topic, offset by offset.`,
    '',
    table(['', ...paths.map(([label]) => label)], [
      row('all subscribers attached', (path) => `${(path.attach.allMs / 1000).toFixed(2)} s (${path.attach.meaning})`),
      row('CPU-s to attach: broker / gateway / clients', (path) => `${path.attach.cpuSeconds.broker.toFixed(2)} / ${path.attach.cpuSeconds.gateway.toFixed(2)} / ${path.attach.cpuSeconds.bench.toFixed(2)}`),
      row('delivered messages/s (fleet records/s × N)', (path) => `${grouped(path.delivered.steadyMessagesPerSecond)} (${grouped(path.delivered.steadyTopicRecordsPerSecond * path.subscribers)})`),
      row('delay from the record\'s timestamp, p50 / p95 / p99 / max ms', (path) => q(path.delayMs)),
      row('… of which the topic itself (one reference consumer)', (path) => q(path.referenceDelayMs)),
      row('cores busy, steady: broker / gateway / clients', (path) => `${path.cpu.brokerCores.toFixed(2)} / ${path.cpu.gatewayCores.toFixed(2)} / ${path.cpu.benchCores.toFixed(2)}`),
      row('client process RSS, before → peak', (path) => `${Math.round(path.rss.benchBeforeMiB)} → ${Math.round(path.rss.benchPeakMiB)} MiB`),
      row('TCP connections to the broker, before → attached', (path) => `${path.brokerConnections.before} → ${path.brokerConnections.attached}`),
      row('one subscriber back after 1 s away: first message', (path) => (path.resume?.firstMessageMs == null ? 'n/a' : `${grouped(path.resume.firstMessageMs)} ms${path.resume.groupJoinMs === null ? '' : ` (group join ${grouped(path.resume.groupJoinMs)} ms)`}, ${path.resume.duplicates} duplicates`)),
      row('subscribers with every update / every final', (path) => `${path.verified.subscribersExact} / ${path.verified.subscribersWithEveryLatest} of ${path.subscribers}`),
    ]),
    '',
    `Checks: ${check("the gateway's promise (nothing off the topic, nothing twice or out of order, every window ending on its final)", result.verified.grpcSound)}; ${check('every direct consumer got every record, in order', result.verified.kafkaExact)}. What these figures mean for the design is in [comparison.md](comparison.md).`,
  ].join('\n');
}

/** The chart's panels: rates side by side, then latencies. */
function chartPanels(input: ReportInput): Panel[] {
  const rates: Bar[] = [];
  const { ceiling, throughput, scaling, kafkaStreams, latency } = input;
  if (ceiling) {
    rates.push({ label: 'ConsumerPerformance (read)', value: ceiling.median.consumerRecordsPerSecond, kind: 'ceiling' });
    rates.push({ label: 'ProducerPerformance (write)', value: ceiling.median.producerRecordsPerSecond, kind: 'ceiling' });
  }
  if (throughput) rates.push({ label: 'our processor (median)', value: throughput.median.readingsPerSecond, kind: 'ours', note: ceiling ? `${round(ceiling.oursOverConsumer, 3)} of the read rate` : undefined });
  for (const step of scaling?.steps ?? []) rates.push({ label: `ours, ${step.instances} instance${step.instances === 1 ? '' : 's'}`, value: step.readingsPerSecond, kind: 'ours', note: `${step.speedup.toFixed(2)}×` });
  if (kafkaStreams) {
    rates.push({ label: 'ours, beside Kafka Streams (median)', value: kafkaStreams.median.oursReadingsPerSecond, kind: 'ours' });
    rates.push({ label: 'Kafka Streams 3.9.1 (median)', value: kafkaStreams.median.kafkaStreamsReadingsPerSecond, kind: 'baseline', note: `ours / KS = ${kafkaStreams.ratio.toFixed(2)}` });
  }
  const panels: Panel[] = [];
  if (rates.length > 0) panels.push({ title: 'Records per second on the same input (exactly-once for ours and Kafka Streams)', unit: '/s', bars: rates });
  if (latency) {
    const bars: Bar[] = [];
    for (const [label, path] of [['gRPC StreamAlerts', latency.grpc], ['dashboard SSE', latency.sse]] as const) {
      if (!path.fromProduceMs) continue;
      for (const [name, value] of [['p50', path.fromProduceMs.p50], ['p95', path.fromProduceMs.p95], ['p99', path.fromProduceMs.p99]] as const) bars.push({ label: `${label} ${name}`, value, kind: 'ours' });
    }
    panels.push({ title: `Spike reading to its alert, at ${grouped(latency.load.requestedRate)} readings/s (ms)`, unit: 'ms', bars });
  }
  return panels;
}

function summarySection(input: ReportInput): string | null {
  const rows: string[][] = [];
  const { throughput, ceiling, kafkaStreams, scaling, latency, delivery, dashboard } = input;
  if (throughput) rows.push([`Our stream processor, exactly-once, ${grouped(throughput.readings)} readings`, `**${grouped(throughput.median.readingsPerSecond)} readings/s** (median of ${throughput.runs.length})`]);
  if (ceiling) rows.push(['… as a fraction of the broker\'s raw read rate', `**${round(ceiling.oursOverConsumer, 3)}** (ConsumerPerformance ${grouped(ceiling.median.consumerRecordsPerSecond)} records/s; ProducerPerformance writes ${grouped(ceiling.median.producerRecordsPerSecond)}/s)`]);
  if (kafkaStreams) rows.push(['Ours / Kafka Streams 3.9.1, same input, same run', `**${kafkaStreams.ratio.toFixed(2)}** (medians of ${kafkaStreams.rounds.length} alternating rounds, ${grouped(kafkaStreams.median.oursReadingsPerSecond)} vs ${grouped(kafkaStreams.median.kafkaStreamsReadingsPerSecond)} readings/s); outputs ${kafkaStreams.agreement.agree ? 'identical' : '**differ**'}`]);
  if (scaling) rows.push([`Scaling, ${scaling.steps.map((step) => step.instances).join(' / ')} instances on ${scaling.machineCpus} cores`, scaling.steps.map((step) => `${step.speedup.toFixed(2)}×`).join(' / ')]);
  if (latency) {
    rows.push([`Spike → alert at a gRPC \`StreamAlerts\` subscriber, ${grouped(latency.load.requestedRate)} readings/s`, fourQuantiles(latency.grpc.fromProduceMs)]);
    rows.push(['Spike → alert at the dashboard\'s SSE stream, same run', fourQuantiles(latency.sse.fromProduceMs)]);
  }
  if (delivery) rows.push([`${delivery.subscribers} live subscribers: gateway vs Kafka directly`, `attached in ${(delivery.grpc.attach.allMs / 1000).toFixed(2)} s vs ${(delivery.kafka.attach.allMs / 1000).toFixed(2)} s; broker connections +${delivery.grpc.brokerConnections.attached - delivery.grpc.brokerConnections.before} vs +${delivery.kafka.brokerConnections.attached - delivery.kafka.brokerConnections.before}; delay p50 ${msText(delivery.grpc.delayMs?.p50 ?? Number.NaN)} vs ${msText(delivery.kafka.delayMs?.p50 ?? Number.NaN)} ms`]);
  if (dashboard?.mainThreadTasksMs) rows.push([`Dashboard's Fleet page in Chromium, ${dashboard.sensors} live sensors`, `main-thread tasks **p95 ${msText(dashboard.mainThreadTasksMs.p95)} ms** (target under 50); ${dashboard.longTasks.count === 0 ? 'no' : dashboard.longTasks.count} long tasks in ${Math.round(dashboard.seconds)} s; spike → row ALERTING p95 ${dashboard.sendToAlertingMs === null ? 'n/a' : `${msText(dashboard.sendToAlertingMs.p95)} ms`}`]);
  return rows.length === 0 ? null : ['## Summary', '', table(['', ''], rows)].join('\n');
}

function reproduceSection(input: ReportInput): string {
  return [
    '## Reproduce',
    '',
    '```sh',
    'npm ci',
    `${input.command}${input.command === 'npm run bench' ? '              # 12-27 min on 2 cores; rewrites this file, benchmarks.json and benchmarks.png' : ''}`,
    '```',
    '',
    'It first starts whatever part of the stack is not running (Kafka, Apicurio, Connect, the pipeline\'s services; the first start downloads from Maven Central) and stops that again at the end; a stack already up with `npm run stack -- up --apps` is used as it is.',
    '',
    'Every run also writes its results to `$TMPDIR/iot-bench/results-<run id>.json`; `npm run bench -- --report-from <file>` rewrites these documents from one. `npm run bench -- --help` lists the options and the other benchmarks (restore, producer, gateway fan-out).',
  ].join('\n');
}

export function renderMarkdown(input: ReportInput): string {
  const sections = [
    '# Benchmarks',
    `Measured by \`${input.command}\` (run \`${input.runId}\`, ${input.startedAt.slice(0, 16).replace('T', ' ')} UTC) on the real local stack. This file, [\`benchmarks.json\`](benchmarks.json) (the run's full results) and the chart are written by that command: rerun it to update them. How each figure is measured is in [bench/README.md](../bench/README.md).`,
    'Everything runs on one machine: the broker, the registry, Connect and the benchmark share its cores, so absolute figures depend on the machine and its load; compare the ratios, measured side by side in the same run.',
    summarySection(input),
    `![Benchmark chart](${DOC_FILES.chart})`,
    machineSection(input),
    input.input ? inputSection(input.input) : null,
    input.throughput ? throughputSection(input.throughput) : null,
    input.ceiling ? ceilingSection(input.ceiling) : null,
    input.kafkaStreams ? kafkaStreamsSection(input.kafkaStreams) : null,
    input.scaling ? scalingSection(input.scaling) : null,
    input.latency ? latencySection(input.latency) : null,
    input.delivery ? deliverySection(input.delivery) : null,
    input.dashboard ? dashboardSection(input.dashboard) : null,
    reproduceSection(input),
  ];
  return `${sections.filter((section) => section !== null).join('\n\n')}\n`;
}

/** Writes docs/benchmarks.md, docs/benchmarks.json and docs/benchmarks.png for a run. */
export async function writeBenchmarkDocs(input: ReportInput, results: unknown, docsDir: string): Promise<string[]> {
  mkdirSync(docsDir, { recursive: true });
  const files = [join(docsDir, DOC_FILES.markdown), join(docsDir, DOC_FILES.json), join(docsDir, DOC_FILES.chart)];
  const panels = chartPanels(input);
  const subtitle = `npm run bench, run ${input.runId}: ${input.machine.cpus} × ${input.machine.cpuModel}, ${input.machine.memoryGiB} GiB, load ${input.machine.loadAverageAtStart[0] ?? '?'} at the start`;
  await svgToPng(barChartSvg('IoT pipeline benchmarks', subtitle, panels), files[2]!);
  writeFileSync(files[0]!, renderMarkdown(input));
  writeFileSync(files[1]!, `${JSON.stringify(results, null, 2)}\n`);
  return files;
}
