import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { TOPICS } from '@iot/contracts';
import { CpuMeter, type Resources } from './support.ts';

/**
 * Child processes of the benchmarks, and Kafka's own performance tools
 * (`org.apache.kafka.tools.ProducerPerformance`, `ConsumerPerformance`) run from the stack's jars
 * (`$STACK_HOME/lib/kafka`, default `.stack/lib/kafka`) with `$JAVA_HOME/bin/java` (or `java`).
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const KILL_GRACE_S = 20;
const CLK_TCK = 100;

/** CPU seconds of this process's children that have been waited for (user + system), from /proc/self/stat. */
function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the ")" of the command name: state is field 3, cutime 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLK_TCK;
  } catch {
    return null;
  }
}

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  stopped: 'no' | 'SIGTERM' | 'SIGKILL';
  wallSeconds: number;
  childCpuSeconds: number | null;
  machineCores: number | null;
}

/**
 * Runs a command in its own process group (so a stop reaches npm's and tsx's children too),
 * stopping it with SIGTERM `stopAfterS` seconds in, then SIGKILL `KILL_GRACE_S` later.
 */
export async function runChild(command: string, args: string[], options: { stopAfterS: number; signal: AbortSignal; env?: NodeJS.ProcessEnv }): Promise<ChildRun> {
  options.signal.throwIfAborted();
  const cpuBefore = childrenCpuSeconds();
  const cpu = new CpuMeter();
  const started = performance.now();
  const child = spawn(command, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)));
  const state: { stopped: ChildRun['stopped'] } = { stopped: 'no' };
  const kill = (signal: 'SIGTERM' | 'SIGKILL'): void => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    state.stopped = signal;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const termTimer = setTimeout(() => kill('SIGTERM'), options.stopAfterS * 1000);
  const killTimer = setTimeout(() => kill('SIGKILL'), (options.stopAfterS + KILL_GRACE_S) * 1000);
  const onAbort = (): void => {
    kill('SIGTERM');
    setTimeout(() => kill('SIGKILL'), 5000).unref();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolvePromise, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolvePromise(exitCode));
    });
    const used = cpu.stop();
    const cpuAfter = childrenCpuSeconds();
    return {
      code,
      stdout,
      stderr,
      stopped: state.stopped,
      wallSeconds: (performance.now() - started) / 1000,
      childCpuSeconds: cpuBefore === null || cpuAfter === null || state.stopped === 'SIGKILL' ? null : cpuAfter - cpuBefore,
      machineCores: used.machineCores,
    };
  } finally {
    clearTimeout(termTimer);
    clearTimeout(killTimer);
    options.signal.removeEventListener('abort', onAbort);
  }
}

/** `java` and the arguments before the tool's own: heap, quiet log4j, the stack's Kafka jars, the class. */
function kafkaTool(className: string, outDir: string): { java: string; args: string[] } {
  const stackHome = resolve(process.env.STACK_HOME ?? join(REPO_ROOT, '.stack'));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const log4j = join(outDir, 'kafka-tools-log4j.properties');
  writeFileSync(log4j, 'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\nlog4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n\n');
  return {
    java,
    args: ['-Xms512m', '-Xmx512m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${log4j}`, '-cp', `${join(stackHome, 'lib', 'kafka')}/*`, className],
  };
}

const commandLine = (java: string, args: readonly string[]): string => `${java} ${args.map((arg) => (/[*\s]/.test(arg) ? `'${arg}'` : arg)).join(' ')}`;

/**
 * Creates `topic` with the partitions and configs of the contract topic `contract` (`overrides`
 * on top), deleted at the end of the run.
 */
export async function createTopicLike(admin: Admin, topic: string, contract: string, resources: Resources, overrides: Readonly<Record<string, string>> = {}): Promise<number> {
  const spec = TOPICS.find((candidate) => candidate.name === contract);
  if (!spec) throw new Error(`contract topic ${contract} not found in TOPICS`);
  resources.topics.add(topic);
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: spec.partitions, replicationFactor: 1, configEntries: Object.entries({ ...spec.configs, ...overrides }).map(([name, value]) => ({ name, value })) }],
  });
  return spec.partitions;
}

/** ProducerPerformance's settings: the nearest to the simulator's kafkajs producer. */
export const PERF_DEFAULT_PROPS: Readonly<Record<string, string>> = {
  acks: 'all',
  'enable.idempotence': 'true',
  // connectIdempotentProducer: maxInFlightRequests 1
  'max.in.flight.requests.per.connection': '1',
  // simulator.ts: CompressionTypes.GZIP
  'compression.type': 'gzip',
  // The simulator sends what is due every 100 ms tick (one record batch per partition per send).
  'linger.ms': '100',
  // Large enough that the linger, not the size, closes most batches (as one send per tick does).
  'batch.size': '262144',
};

export interface PerfResult {
  command: string;
  topic: string;
  records: number;
  recordSize: number;
  props: Record<string, string>;
  recordsPerSecond: number;
  mbPerSecond: number;
  latencyMs: { avg: number; max: number; p50: number; p95: number; p99: number; p999: number };
  summaryLine: string;
  /** The JVM's CPU (user + system), JVM start-up included. */
  childCpuSeconds: number | null;
  machineCores: number | null;
  wallSeconds: number;
}

export interface ProducerPerformanceOptions {
  /** An existing topic (see createTopicLike). */
  readonly topic: string;
  readonly records: number;
  readonly recordSize: number;
  /** Override PERF_DEFAULT_PROPS. */
  readonly props: Readonly<Record<string, string>>;
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

const PERF_SUMMARY =
  /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/;

/** Kafka's own ProducerPerformance (`--throughput -1`: as fast as it can) into `topic`. */
export async function runProducerPerformance(options: ProducerPerformanceOptions): Promise<PerfResult> {
  const props = { ...PERF_DEFAULT_PROPS, ...options.props, 'bootstrap.servers': options.brokers.join(','), 'client.id': options.clientId };
  const tool = kafkaTool('org.apache.kafka.tools.ProducerPerformance', options.outDir);
  const args = [
    ...tool.args,
    '--topic', options.topic,
    '--num-records', String(options.records),
    '--record-size', String(options.recordSize),
    '--throughput', '-1',
    '--producer-props', ...Object.entries(props).map(([name, value]) => `${name}=${value}`),
  ];
  options.progress(`ProducerPerformance: ${options.records.toLocaleString('en-US')} records of ${options.recordSize} bytes into ${options.topic}`);
  const run = await runChild(tool.java, args, { stopAfterS: 300, signal: options.signal });
  options.signal.throwIfAborted();
  const match = PERF_SUMMARY.exec(run.stdout);
  if (run.code !== 0 || !match) {
    throw new Error(`ProducerPerformance failed (exit ${run.code}${run.stopped === 'no' ? '' : `, ${run.stopped}`}):\n${[...run.stdout.trim().split('\n').slice(-5), ...run.stderr.trim().split('\n').slice(-15)].join('\n')}`);
  }
  const n = (i: number): number => Number(match[i]);
  options.progress(`  ${match[0]}`);
  return {
    command: commandLine(tool.java, args),
    topic: options.topic,
    records: n(1),
    recordSize: options.recordSize,
    props,
    recordsPerSecond: n(2),
    mbPerSecond: n(3),
    latencyMs: { avg: n(4), max: n(5), p50: n(6), p95: n(7), p99: n(8), p999: n(9) },
    summaryLine: match[0],
    childCpuSeconds: run.childCpuSeconds,
    machineCores: run.machineCores,
    wallSeconds: run.wallSeconds,
  };
}

export interface ConsumerPerfResult {
  command: string;
  topic: string;
  groupId: string;
  isolationLevel: 'read_committed' | 'read_uncommitted';
  /** Records ConsumerPerformance counted (`data.consumed.in.nMsg`), and the bytes of their keys and values. */
  records: number;
  megabytes: number;
  /** Its own clock: from before the consumer's first poll (group join included) to the last record. */
  seconds: number;
  recordsPerSecond: number;
  mbPerSecond: number;
  /** The group join (`rebalance.time.ms`), and the rate over the rest (`fetch.nMsg.sec`, `fetch.MB.sec`). */
  rebalanceSeconds: number;
  fetchSeconds: number;
  fetchRecordsPerSecond: number;
  fetchMbPerSecond: number;
  summaryLine: string;
  childCpuSeconds: number | null;
  machineCores: number | null;
  /** Launching the JVM until it exited. */
  wallSeconds: number;
}

export interface ConsumerPerformanceOptions {
  readonly topic: string;
  /** Records to read: ConsumerPerformance stops once it has read this many. */
  readonly records: number;
  readonly groupId: string;
  readonly isolationLevel: 'read_committed' | 'read_uncommitted';
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

/**
 * Kafka's own ConsumerPerformance: one KafkaConsumer (byte-array deserializers, default fetch
 * sizes) in a fresh group reading `topic` from the beginning until it has `records` records.
 * `--hide-header` output: start.time, end.time, data.consumed.in.MB, MB.sec,
 * data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec.
 */
export async function runConsumerPerformance(options: ConsumerPerformanceOptions): Promise<ConsumerPerfResult> {
  const tool = kafkaTool('org.apache.kafka.tools.ConsumerPerformance', options.outDir);
  const config = join(options.outDir, `consumer-perf-${options.groupId}.properties`);
  writeFileSync(config, `isolation.level=${options.isolationLevel}\nclient.id=${options.clientId}\nauto.offset.reset=earliest\n`);
  const args = [
    ...tool.args,
    '--bootstrap-server', options.brokers.join(','),
    '--topic', options.topic,
    '--messages', String(options.records),
    '--group', options.groupId,
    '--consumer.config', config,
    '--timeout', '30000',
    '--hide-header',
  ];
  options.progress(`ConsumerPerformance: ${options.records.toLocaleString('en-US')} records of ${options.topic} (${options.isolationLevel}, group ${options.groupId})`);
  const run = await runChild(tool.java, args, { stopAfterS: 300, signal: options.signal });
  options.signal.throwIfAborted();
  const line = run.stdout.trim().split('\n').reverse().find((candidate) => candidate.split(',').length >= 10);
  const fields = line?.split(',').map((field) => field.trim()) ?? [];
  const n = (i: number): number => Number(fields[i]);
  if (run.code !== 0 || !line || !Number.isFinite(n(5))) {
    throw new Error(`ConsumerPerformance failed (exit ${run.code}${run.stopped === 'no' ? '' : `, ${run.stopped}`}):\n${[...run.stdout.trim().split('\n').slice(-5), ...run.stderr.trim().split('\n').slice(-15)].join('\n')}`);
  }
  const fetchSeconds = n(7) / 1000;
  const seconds = n(4) / n(5);
  options.progress(`  ${Math.round(n(5)).toLocaleString('en-US')} records/s, ${n(3).toFixed(2)} MB/s (${n(4).toLocaleString('en-US')} records in ${seconds.toFixed(2)} s, of which group join ${(n(6) / 1000).toFixed(2)} s)`);
  return {
    command: commandLine(tool.java, args),
    topic: options.topic,
    groupId: options.groupId,
    isolationLevel: options.isolationLevel,
    records: n(4),
    megabytes: n(2),
    seconds,
    recordsPerSecond: n(5),
    mbPerSecond: n(3),
    rebalanceSeconds: n(6) / 1000,
    fetchSeconds,
    fetchRecordsPerSecond: n(9),
    fetchMbPerSecond: n(8),
    summaryLine: line,
    childCpuSeconds: run.childCpuSeconds,
    machineCores: run.machineCores,
    wallSeconds: run.wallSeconds,
  };
}
