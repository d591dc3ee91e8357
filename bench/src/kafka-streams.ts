import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ALERT_RULES } from '@iot/stream-processor/alert-rules';

/**
 * The Kafka Streams baseline (bench/kafka-streams, a Maven project): building its jar when it is
 * missing or older than its sources, and running it to completion on one input topic.
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KAFKA_STREAMS_DIR = join(REPO_ROOT, 'bench', 'kafka-streams');
export const KAFKA_STREAMS_JAR = join(KAFKA_STREAMS_DIR, 'target', 'iot-kafka-streams-baseline.jar');
const BUILD_COMMAND = ['mvn', '-q', '-B', 'package'] as const;
/** Everything the jar is built from: a change to any of these rebuilds it. */
const BUILD_INPUTS = [join(KAFKA_STREAMS_DIR, 'pom.xml'), join(KAFKA_STREAMS_DIR, 'src'), join(REPO_ROOT, 'contracts', 'avro')];
const BUILD_TIMEOUT_MS = 15 * 60_000;
const KILL_GRACE_MS = 10_000;

export class KafkaStreamsError extends Error {}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

const tail = (text: string, lines: number): string => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * The runnable jar, built with `mvn -q -B package` in bench/kafka-streams when it is missing or
 * older than its pom, sources or the contract's schemas. Maven's output goes to `logFile`; a
 * failed build throws with the command, the log file and the last lines of it.
 */
export async function ensureKafkaStreamsJar(options: { logFile: string; signal: AbortSignal; progress: (line: string) => void }): Promise<{ jar: string; built: boolean; buildSeconds: number | null }> {
  if (existsSync(KAFKA_STREAMS_JAR) && statSync(KAFKA_STREAMS_JAR).mtimeMs >= Math.max(...BUILD_INPUTS.map(newestMtime))) {
    return { jar: KAFKA_STREAMS_JAR, built: false, buildSeconds: null };
  }
  const command = `cd bench/kafka-streams && ${BUILD_COMMAND.join(' ')}`;
  options.progress(`kafka-streams: building the jar (${command}; the first build downloads its dependencies from Maven Central, about 1 min), log ${options.logFile}`);
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  const started = performance.now();
  let output = '';
  const child = spawn(BUILD_COMMAND[0], BUILD_COMMAND.slice(1), { cwd: KAFKA_STREAMS_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer): void => {
    log.write(chunk);
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const stop = (): void => void child.kill('SIGTERM');
  const timer = setTimeout(stop, BUILD_TIMEOUT_MS);
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    const code = await new Promise<number | null>((resolvePromise, reject) => {
      child.once('error', reject);
      child.once('close', resolvePromise);
    }).catch((error: NodeJS.ErrnoException) => {
      throw new KafkaStreamsError(error.code === 'ENOENT'
        ? `building the Kafka Streams baseline needs Maven: \`${BUILD_COMMAND[0]}\` is not on the PATH (Debian: apt-get install -y maven openjdk-17-jdk-headless)`
        : `could not start \`${command}\`: ${error.message}`);
    });
    options.signal.throwIfAborted();
    if (code !== 0 || !existsSync(KAFKA_STREAMS_JAR)) {
      throw new KafkaStreamsError(
        `building the Kafka Streams baseline failed: \`${command}\` ${code === null ? 'was stopped' : `exited with code ${code}`}` +
          `${code === 0 ? ` but left no ${KAFKA_STREAMS_JAR}` : ''}; Maven's output is in ${options.logFile}. Last lines:\n${tail(output, 25)}`,
      );
    }
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', stop);
    await new Promise<void>((resolvePromise) => log.end(resolvePromise));
  }
  return { jar: KAFKA_STREAMS_JAR, built: true, buildSeconds: (performance.now() - started) / 1000 };
}

export interface KafkaStreamsRunOptions {
  readonly applicationId: string;
  readonly input: string;
  readonly windowCounts: string;
  readonly alerts: string;
  readonly brokers: readonly string[];
  /** The registry's Confluent-compatible URL (…/apis/ccompat/v7); the app talks to the same registry's v2 API. */
  readonly registryUrl: string;
  readonly graceMs: number;
  readonly commitIntervalMs: number;
  readonly threads: number;
  readonly store: 'memory' | 'rocksdb';
  readonly heapMiB: number;
  /** The app's state.dir and the rules file go here. */
  readonly workDir: string;
  /** The JVM's stderr (Kafka's and the app's logs). */
  readonly logFile: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

/** The app's "caught-up" line: its committed offsets reached the input's end offsets. */
export interface KafkaStreamsCaughtUp {
  inputRecords: number;
  readingsProcessed: number;
  windowsEmitted: number;
  alertsEmitted: number;
  /** From KafkaStreams.start() to the committed end offsets. */
  seconds: number;
  readingsPerSecond: number;
  /** From start() to the first reading decoded. */
  startupSeconds: number | null;
  runningAfterSeconds: number | null;
  /** From the first reading to the committed end offsets. */
  processingReadingsPerSecond: number | null;
  /** JVM start to KafkaStreams.start(): class loading, the topology, the input's end offsets. */
  jvmUptimeAtStartSeconds: number;
  cpuSeconds: number;
  cores: number;
  gcSeconds: number;
  gcCollections: number;
  rssPeakMiB: number | null;
  heapMaxMiB: number;
  /**
   * The stream threads' metrics at the end (Kafka's recent-window averages, not whole-run
   * figures): the time split process-ratio / commit-ratio / poll-ratio / punctuate-ratio, and
   * commit-latency-avg/-max in ms, commit-total, process-total, poll-records-avg.
   */
  thread: Record<string, number>;
}

export interface KafkaStreamsResult {
  command: string;
  caughtUp: KafkaStreamsCaughtUp;
  /**
   * The stream threads' time split (process, commit, poll, punctuate: fractions) and commit
   * latency (ms), averaged over the progress lines (every 5 s) printed while readings were being
   * processed; null if none was. The caught-up line's own ratios describe the idle end.
   */
  whileProcessing: { samples: number; processRatio: number; commitRatio: number; pollRatio: number; punctuateRatio: number; commitLatencyAvgMs: number | null } | null;
  /** From spawning the JVM to its caught-up line: JVM start-up included. */
  launchToCaughtUpSeconds: number;
  closeSeconds: number | null;
  closedCleanly: boolean;
  logFile: string;
}

/** The RANGE rules of our processor (DEFAULT_ALERT_RULES), in the file format of RangeRules.java. */
function rangeRulesJson(): string {
  const { range, refreshIntervalMs, types } = DEFAULT_ALERT_RULES;
  return JSON.stringify({
    ...range,
    refreshIntervalMs,
    types: Object.fromEntries(Object.entries(types).map(([type, limits]) => [type, { min: limits.min, max: limits.max }])),
  });
}

/**
 * Runs the Kafka Streams baseline with the stack's Java (JAVA_HOME, else java on the PATH) on
 * `input` until it prints that its committed offsets reached the input's end offsets and it has
 * closed. Fails with the log file named when it reports an error, exits early, or takes longer
 * than `timeoutMs` (it is then stopped: SIGTERM, SIGKILL 10 s later).
 */
export async function runKafkaStreams(jar: string, options: KafkaStreamsRunOptions): Promise<KafkaStreamsResult> {
  options.signal.throwIfAborted();
  mkdirSync(options.workDir, { recursive: true });
  const rulesFile = join(options.workDir, 'range-rules.json');
  writeFileSync(rulesFile, rangeRulesJson());
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const args = [
    `-Xms${options.heapMiB}m`, `-Xmx${options.heapMiB}m`, '-XX:+UseG1GC', '-Djava.awt.headless=true',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-jar', jar,
    '--bootstrap', options.brokers.join(','),
    '--registry-url', `${new URL(options.registryUrl).origin}/apis/registry/v2`,
    '--application-id', options.applicationId,
    '--input', options.input,
    '--window-counts', options.windowCounts,
    '--alerts', options.alerts,
    '--rules', rulesFile,
    '--grace-ms', String(options.graceMs),
    '--commit-interval-ms', String(options.commitIntervalMs),
    '--threads', String(options.threads),
    '--store', options.store,
    '--state-dir', join(options.workDir, 'state'),
    '--timeout-s', String(Math.ceil(options.timeoutMs / 1000)),
  ];
  const command = `${java} ${args.join(' ')}`;
  const log = createWriteStream(options.logFile);
  const started = performance.now();
  const child = spawn(java, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderrTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    log.write(chunk);
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-8_000);
  });

  let caughtUp: KafkaStreamsCaughtUp | undefined;
  let launchToCaughtUpSeconds = 0;
  let closed: { clean: boolean; closeSeconds: number } | undefined;
  let reported: string | undefined;
  let inputRecords = Number.POSITIVE_INFINITY;
  const busy: Array<Record<string, number>> = [];
  let stdoutBuffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdoutBuffer += chunk;
    let newline: number;
    while ((newline = stdoutBuffer.indexOf('\n')) >= 0) {
      const line = stdoutBuffer.slice(0, newline).trim();
      stdoutBuffer = stdoutBuffer.slice(newline + 1);
      log.write(`[stdout] ${line}\n`);
      let event: { event?: string; [field: string]: unknown };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        continue; // not one of the app's event lines
      }
      if (event.event === 'input') inputRecords = Number(event.records);
      if (event.event === 'progress' && Number(event.readingsProcessed) > 0 && Number(event.readingsProcessed) < inputRecords) busy.push(event.thread as Record<string, number>);
      if (event.event === 'input') options.progress(`  kafka-streams: waiting for ${Number(event.records).toLocaleString('en-US')} records on ${String(event.topic)} (${String(event.partitions)} partitions)`);
      else if (event.event === 'running') options.progress(`  kafka-streams: RUNNING after ${((performance.now() - started) / 1000).toFixed(1)} s from launch`);
      else if (event.event === 'progress') options.progress(`  ${Number(event.seconds).toFixed(0).padStart(4)} s: Kafka Streams processed ${Number(event.readingsProcessed).toLocaleString('en-US')}`);
      else if (event.event === 'warning') options.progress(`  kafka-streams: ${String(event.message)}`);
      else if (event.event === 'caught-up') {
        caughtUp = event as unknown as KafkaStreamsCaughtUp;
        launchToCaughtUpSeconds = (performance.now() - started) / 1000;
      } else if (event.event === 'closed') closed = { clean: event.clean === true, closeSeconds: Number(event.closeSeconds) };
      else if (event.event === 'error' || event.event === 'timeout') reported ??= `${event.event}: ${JSON.stringify(event)}`;
    }
  });

  let stoppedBy: string | undefined;
  const stop = (why: string): void => {
    stoppedBy ??= why;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
  };
  // The app has its own timeout (--timeout-s); this one also covers a JVM that hangs in start-up or close.
  const timer = setTimeout(() => stop(`no completion within ${Math.round(options.timeoutMs / 1000) + 60} s`), options.timeoutMs + 60_000);
  const onAbort = (): void => stop('interrupted');
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolvePromise, reject) => {
      child.once('error', reject);
      child.once('close', resolvePromise);
    }).catch((error: NodeJS.ErrnoException) => {
      throw new KafkaStreamsError(error.code === 'ENOENT' ? `cannot start ${java}: not found (set JAVA_HOME or put Java 17 on the PATH)` : `cannot start ${java}: ${error.message}`);
    });
    options.signal.throwIfAborted();
    // Exit code 1 after "closed" is a close that timed out: the results stand, closedCleanly says so.
    if (!caughtUp || reported || stoppedBy || (code !== 0 && closed === undefined)) {
      const why = stoppedBy ?? reported ?? (caughtUp ? `exited with code ${code} after catching up` : `exited with code ${code} before catching up`);
      throw new KafkaStreamsError(`the Kafka Streams baseline (${options.applicationId}) failed: ${why}. Its log: ${options.logFile}. Last lines:\n${tail(stderrTail, 20)}\nCommand: ${command}`);
    }
    const mean = (name: string): number => busy.reduce((sum, thread) => sum + (thread[name] ?? 0), 0) / busy.length;
    const latencies = busy.flatMap((thread) => (thread['commit-latency-avg'] === undefined ? [] : [thread['commit-latency-avg']]));
    const whileProcessing = busy.length === 0 ? null : {
      samples: busy.length,
      processRatio: mean('process-ratio'),
      commitRatio: mean('commit-ratio'),
      pollRatio: mean('poll-ratio'),
      punctuateRatio: mean('punctuate-ratio'),
      commitLatencyAvgMs: latencies.length === 0 ? null : latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
    };
    return { command, caughtUp, whileProcessing, launchToCaughtUpSeconds, closeSeconds: closed?.closeSeconds ?? null, closedCleanly: closed?.clean ?? false, logFile: options.logFile };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    await new Promise<void>((resolvePromise) => log.end(resolvePromise));
  }
}
