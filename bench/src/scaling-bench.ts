import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Admin, Kafka } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { WindowCount, WindowCountKey } from '@iot/contracts';
import { changelogTopicOf } from '@iot/stream-processor/processor';
import { createOutputTopics, processorTopics, type BenchInput, type InputFill } from './bench-input.ts';
import { readTopic } from './kafka-streams-bench.ts';
import { REPO_ROOT } from './kafka-tools.ts';
import type { ChildMessage, InstanceReport, InstanceSettings, ParentMessage } from './scaling-instance.ts';
import { CpuMeter, grouped, type Resources } from './support.ts';
import { medianIndex, waitForCommittedEnds } from './throughput.ts';

/**
 * Scaling: the shared pre-filled input processed by 1, then 2, then 3 StreamProcessor instances
 * in one consumer group, each instance its own OS process (scaling-instance.ts), each run in a
 * fresh group with fresh output topics; timed from the 'start' sent to every instance (all
 * constructed and connected by then) until the group's committed offsets reach the end of all
 * input partitions. The steps run `rounds` times in turn (1, 2, 3, 1, 2, 3, …), so that a noisy
 * minute of the machine does not fall on one step only; each step reports the median. Checked
 * from the output of every run: every final window's count is the count the input puts in that
 * window, and the final windows are the same in every run.
 */

export interface ScalingOptions {
  readonly runId: string;
  /** Instance counts, one step each, in order (default 1, 2, 3). */
  readonly instances: readonly number[];
  /** Times every step runs; a step's figures are its median run's. */
  readonly rounds: number;
  readonly commitIntervalMs: number;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly outDir: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface ScalingStep {
  instances: number;
  applicationId: string;
  windowCountsTopic: string;
  /** 'start' sent to every instance until the group's committed offsets reached the end of every input partition. */
  seconds: number;
  /** The median run's (this step's fields are that run's). */
  readingsPerSecond: number;
  /** Every run of the step, in the order run. */
  runsReadingsPerSecond: number[];
  /** readingsPerSecond / the first step's (1 instance by default). */
  speedup: number;
  perInstance: InstanceReport[];
  /** Readings consumed, summed over the instances: at least the input; more when a rebalance moved a partition and its new owner redid the uncommitted work. */
  consumedTotal: number;
  /** consumedTotal - readings: work done again after rebalances (aborted transactions). */
  redoneReadings: number;
  processedTotal: number;
  /** Cores busy on average over the step: the whole machine (/proc/stat), and the instances together. */
  cpu: { machineCores: number | null; instancesCores: number; machineCpus: number };
  check: {
    /** Final window records read back (read_committed), distinct windows. */
    finalWindows: number;
    /** Final windows whose count is the number of input readings in that sensor's minute. */
    finalWindowsExact: number;
    /** Windows with a final record whose count differs from the input's, or with two different finals. */
    finalWindowsWrong: number;
    examples: string[];
    late: number;
    deadLettered: number;
    /** sha256 over the sorted final windows (sensor, start, count, min, max, sum, first/last event time). */
    finalWindowsSha256: string;
    /** Every run of this step had the same final windows as the first run of the first step. */
    sameFinalsAsFirstStep: boolean;
    consumedAtLeastReadings: boolean;
    /**
     * The input's last timestamp was still ahead of the wall clock when the step ended. Past it, an
     * idle caught-up partition closes its last windows by the wall clock, so the set of finals
     * would depend on timing (bench-input.ts, FUTURE_MARGIN_MS).
     */
    inputAheadOfWallClock: boolean;
    exact: boolean;
  };
}

export interface ScalingResult {
  readings: number;
  partitions: number;
  commitIntervalMs: number;
  /** CPUs of the machine: with 2, a second and third instance compete with each other and the broker. */
  machineCpus: number;
  /** Runs of every step. */
  rounds: number;
  input: InputFill;
  steps: ScalingStep[];
  verified: { everyStepExact: boolean };
}

const INSTANCE_ENTRY = fileURLToPath(new URL('./scaling-instance.ts', import.meta.url));
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 90_000;

interface Instance {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<InstanceReport>;
  readonly exited: Promise<number | null>;
  stderr: string;
}

function forkInstance(settings: InstanceSettings): Instance {
  const child = fork(INSTANCE_ENTRY, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_SCALING_INSTANCE: JSON.stringify(settings) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const instance: Instance = {
    child,
    stderr: '',
    ready: new Promise<void>((resolve, reject) => {
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'error') reject(new Error(`instance ${settings.instance}: ${message.message}`));
      });
      child.once('exit', (code) => reject(new Error(`instance ${settings.instance} exited (${code}) before it was ready:\n${instance.stderr.slice(-2000)}`)));
    }),
    result: new Promise<InstanceReport>((resolve, reject) => {
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'result') resolve(message.report);
        else if (message.type === 'error') reject(new Error(`instance ${settings.instance} failed: ${message.message}`));
      });
      child.once('exit', (code) => reject(new Error(`instance ${settings.instance} exited (${code}) without a result:\n${instance.stderr.slice(-2000)}`)));
    }),
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (instance.stderr = (instance.stderr + chunk).slice(-20_000)));
  // Only one of ready/result is awaited at a time: the other must not become an unhandled rejection.
  instance.ready.catch(() => undefined);
  instance.result.catch(() => undefined);
  return instance;
}

const tell = (instance: Instance, message: ParentMessage): void => {
  if (instance.child.connected) instance.child.send(message);
};

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The count of readings the input puts in the window starting at `windowStart` of the sensor at
 * `sensorIndex`: reading i belongs to sensor i mod sensors and is stamped first + i × spacing.
 */
function expectedCount(fill: InputFill, sensorIndex: number, windowStart: number): number {
  const period = fill.sensors * fill.spacingMs;
  const base = fill.firstTimestamp + sensorIndex * fill.spacingMs;
  const perSensor = Math.floor((fill.readings - sensorIndex - 1) / fill.sensors) + 1;
  const firstK = Math.max(0, Math.ceil((windowStart - base) / period));
  const lastK = Math.min(perSensor - 1, Math.ceil((windowStart + 60_000 - base) / period) - 1);
  return Math.max(0, lastK - firstK + 1);
}

async function checkOutput(harness: { kafka: Kafka; registry: SchemaRegistry }, input: BenchInput, topic: string, groupId: string, resources: Resources): Promise<Pick<ScalingStep['check'], 'finalWindows' | 'finalWindowsExact' | 'finalWindowsWrong' | 'examples' | 'finalWindowsSha256'>> {
  const records = await readTopic<WindowCountKey, WindowCount>(harness.kafka, harness.registry, topic, groupId, resources);
  const finals = new Map<string, { facts: string; window: WindowCount }>();
  let wrong = 0;
  const examples: string[] = [];
  for (const { value } of records) {
    if (!value?.final) continue;
    const id = `${value.sensorId}@${value.windowStart}`;
    const facts = JSON.stringify([value.sensorId, value.windowStart, value.count, value.min, value.max, value.sum, value.firstEventTime, value.lastEventTime]);
    const earlier = finals.get(id);
    if (earlier && earlier.facts !== facts) {
      wrong += 1;
      if (examples.length < 5) examples.push(`${id}: two different finals ${earlier.facts} and ${facts}`);
    }
    finals.set(id, { facts, window: value });
  }
  let exact = 0;
  for (const [id, { window }] of finals) {
    const sensorIndex = Number(window.sensorId.slice(window.sensorId.lastIndexOf('-') + 1));
    const expected = expectedCount(input.fill, sensorIndex, window.windowStart);
    if (window.count === expected) exact += 1;
    else {
      wrong += 1;
      if (examples.length < 5) examples.push(`${id}: count ${window.count}, the input has ${expected}`);
    }
  }
  const digest = createHash('sha256');
  for (const facts of [...finals.values()].map(({ facts }) => facts).sort()) digest.update(`${facts}\n`);
  return { finalWindows: finals.size, finalWindowsExact: exact, finalWindowsWrong: wrong, examples, finalWindowsSha256: digest.digest('hex') };
}

type StepRun = Omit<ScalingStep, 'speedup' | 'runsReadingsPerSecond' | 'check'> & { check: Omit<ScalingStep['check'], 'sameFinalsAsFirstStep' | 'exact'> };

async function runStep(input: BenchInput, count: number, round: number, options: ScalingOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }): Promise<StepRun> {
  const { admin } = harness;
  const name = `${options.runId}.scale${count}.r${round}`;
  const topics = processorTopics(input, name);
  const applicationId = `bench-${name}`;
  resources.groups.add(applicationId);
  resources.topics.add(changelogTopicOf(applicationId));
  await createOutputTopics(admin, topics, resources);
  options.progress(`scaling: ${count} StreamProcessor instance(s), separate processes, group ${applicationId} (round ${round} of ${options.rounds})`);
  const instances = Array.from({ length: count }, (_, i) =>
    forkInstance({
      instance: i + 1,
      topics,
      applicationId,
      clientId: `bench-stream-processor-${options.runId}-${count}-r${round}-${i + 1}`,
      brokers: [...options.brokers],
      registryUrl: options.registryUrl,
      commitIntervalMs: options.commitIntervalMs,
      logFile: join(options.outDir, `processor-${name}-${i + 1}.log`),
    }),
  );
  const onAbort = (): void => instances.forEach(({ child }) => child.kill('SIGTERM'));
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await withTimeout(Promise.all(instances.map(({ ready }) => ready)), READY_TIMEOUT_MS, `starting ${count} instance process(es)`);
    const cpu = new CpuMeter();
    const startedAt = performance.now();
    for (const instance of instances) tell(instance, { type: 'start' });
    const failure = Promise.race(instances.map(({ exited }, i) => exited.then((code) => {
      throw new Error(`instance ${i + 1} exited (${code}) while processing:\n${instances[i]!.stderr.slice(-2000)}`);
    })));
    failure.catch(() => undefined);
    await Promise.race([
      waitForCommittedEnds(admin, applicationId, input.topics.readings, input.ends, {
        signal: options.signal,
        progress: options.progress,
        status: async () => {
          const [committed] = await admin.fetchOffsets({ groupId: applicationId, topics: [input.topics.readings] });
          const done = (committed?.partitions ?? []).reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
          return `committed ${grouped(done)} / ${grouped(input.fill.readings)}`;
        },
      }),
      failure,
    ]);
    const seconds = (performance.now() - startedAt) / 1000;
    const machine = cpu.stop();
    const inputAheadOfWallClock = Date.now() < input.fill.lastTimestamp;
    for (const instance of instances) tell(instance, { type: 'stop' });
    const reports = await withTimeout(Promise.all(instances.map(({ result }) => result)), STOP_TIMEOUT_MS, `stopping ${count} instance(s)`);
    await Promise.all(instances.map(({ exited }) => exited));
    const consumedTotal = reports.reduce((sum, report) => sum + report.metrics.consumed, 0);
    const readings = input.fill.readings;
    options.progress(`  ${count} instance(s): ${grouped(readings / seconds)} readings/s (${seconds.toFixed(1)} s); consumed ${reports.map((report) => grouped(report.metrics.consumed)).join(' + ')}; reading the windows back`);
    const output = await checkOutput(harness, input, topics.windowCounts, `bench-${name}-read-windows`, resources);
    return {
      instances: count,
      applicationId,
      windowCountsTopic: topics.windowCounts,
      seconds,
      readingsPerSecond: readings / seconds,
      perInstance: reports,
      consumedTotal,
      redoneReadings: consumedTotal - readings,
      processedTotal: reports.reduce((sum, report) => sum + report.metrics.processed, 0),
      cpu: { machineCores: machine.machineCores, instancesCores: reports.reduce((sum, report) => sum + report.cores, 0), machineCpus: cpus().length },
      check: {
        ...output,
        late: reports.reduce((sum, report) => sum + report.metrics.late, 0),
        deadLettered: reports.reduce((sum, report) => sum + Object.values(report.metrics.deadLettered).reduce((a, b) => a + b, 0), 0),
        consumedAtLeastReadings: consumedTotal >= readings,
        inputAheadOfWallClock,
      },
    };
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    for (const { child } of instances) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export async function runScalingBench(input: BenchInput, options: ScalingOptions, resources: Resources, harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }): Promise<ScalingResult> {
  if (options.rounds < 1) throw new Error('scaling: rounds must be at least 1');
  const runs = new Map<number, StepRun[]>(options.instances.map((count) => [count, []]));
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const count of options.instances) {
      options.signal.throwIfAborted();
      runs.get(count)!.push(await runStep(input, count, round, options, resources, harness));
    }
  }
  const reference = runs.get(options.instances[0]!)![0]!.check.finalWindowsSha256;
  const steps: ScalingStep[] = [];
  for (const count of options.instances) {
    const stepRuns = runs.get(count)!;
    const representative = stepRuns[medianIndex(stepRuns.map((run) => run.readingsPerSecond))]!;
    const sameFinalsAsFirstStep = stepRuns.every((run) => run.check.finalWindowsSha256 === reference);
    const runExact = (run: StepRun) => run.check.finalWindowsWrong === 0 && run.check.finalWindows > 0 && run.check.late === 0 && run.check.deadLettered === 0 && run.check.consumedAtLeastReadings;
    const exact = stepRuns.every(runExact) && sameFinalsAsFirstStep;
    const first = steps[0];
    steps.push({
      ...representative,
      runsReadingsPerSecond: stepRuns.map((run) => run.readingsPerSecond),
      speedup: first === undefined ? 1 : representative.readingsPerSecond / first.readingsPerSecond,
      check: { ...representative.check, sameFinalsAsFirstStep, exact },
    });
  }
  return {
    readings: input.fill.readings,
    partitions: input.fill.partitions,
    commitIntervalMs: options.commitIntervalMs,
    machineCpus: cpus().length,
    rounds: options.rounds,
    input: input.fill,
    steps,
    verified: { everyStepExact: steps.every((step) => step.check.exact) },
  };
}

export function printScaling(result: ScalingResult): string[] {
  const lines = [
    `Scaling: the same ${grouped(result.readings)} readings (${result.partitions} partitions) by 1..n StreamProcessor instances in one group, each its own process, exactly-once, every step run ${result.rounds} time(s) in turn (a step's figures are its median run's); this machine has ${result.machineCpus} CPUs, shared with the broker`,
    '  instances  readings/s   time      speedup  machine cores  instances cores  consumed (per instance)          redone   rebalances  finals exact',
  ];
  for (const step of result.steps) {
    const joins = step.perInstance.map((report) => report.groupJoins - 1).reduce((a, b) => a + b, 0);
    lines.push(
      `  ${String(step.instances).padStart(9)}  ${grouped(step.readingsPerSecond).padStart(10)}  ${`${step.seconds.toFixed(1)} s`.padStart(7)}  ${step.speedup.toFixed(2).padStart(7)}  ${(step.cpu.machineCores === null ? 'n/a' : step.cpu.machineCores.toFixed(2)).padStart(13)}  ${step.cpu.instancesCores.toFixed(2).padStart(15)}  ${step.perInstance.map((report) => `${grouped(report.metrics.consumed)}${report.assignedPartitions ? ` (${report.assignedPartitions}p)` : ''}`).join(' + ').padEnd(31)}  ${grouped(step.redoneReadings).padStart(6)}  ${String(joins).padStart(10)}  ${step.check.exact ? 'OK' : 'MISMATCH'} ${grouped(step.check.finalWindowsExact)} of ${grouped(step.check.finalWindows)}${step.check.sameFinalsAsFirstStep ? '' : ', NOT the first run\'s'}`,
    );
    lines.push(`             runs: ${step.runsReadingsPerSecond.map((rate) => grouped(rate)).join(', ')} readings/s`);
    for (const example of step.check.examples) lines.push(`             ${example}`);
    if (!step.check.inputAheadOfWallClock) lines.push('             the wall clock had passed the input\'s last timestamp: idle partitions closed their last windows by the wall clock');
    const logs = step.perInstance.filter((report) => Object.keys(report.log.counts).length > 0);
    for (const report of logs) lines.push(`             instance ${report.instance} logged ${JSON.stringify(report.log.counts)} (${report.log.file})`);
  }
  lines.push(
    `  each instance's RSS peak: ${result.steps.map((step) => `${step.instances}: ${step.perInstance.map((report) => `${Math.round(report.rssPeakMiB)}`).join('/')} MiB`).join('; ')}`,
    `  with ${result.machineCpus} CPUs the instances compete with each other and with the broker for the same cores: a speedup below the instance count measures that limit, not the processor's ability to scale out`,
  );
  return lines;
}
