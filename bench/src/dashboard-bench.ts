/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadPipelineProto, type PipelineServiceClient, type SensorReadingMessage } from '@iot/contracts/grpc';
import { launchChromium } from '@iot/e2e/browser';
import { quantiles, type Quantiles } from './gateway-bench.ts';
import { grouped, StackDownError } from './support.ts';

/**
 * The dashboard benchmark: the Fleet page in Debian's Chromium while a fleet of N sensors
 * (default 200) sends a reading per second each through the gateway's IngestReadings, so every
 * row, sparkline and count of the page is live. Measured in the page:
 * - the main thread's tasks from a Chromium trace (every RunTask of the renderer's main thread:
 *   the distribution the 50 ms target is about), and the Performance API's `longtask` entries
 *   (the tasks over 50 ms: how many, how long);
 * - reading → alerting: a sensor at a time gets 3 readings above its band; the time from before
 *   the send to the row turning ALERTING (a MutationObserver in the page), against the 5 s target.
 */

export interface DashboardBenchOptions {
  readonly runId: string;
  readonly dashboardUrl: string;
  readonly gatewayAddress: string;
  readonly gatewayToken: string;
  readonly sensors: number;
  readonly seconds: number;
  /** Time between two spikes (each on the next sensor). */
  readonly spikeEveryMs: number;
  /** Where the page's CPU profile of the measurement goes (open it in Chromium's DevTools). */
  readonly cpuProfileFile: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

export interface DashboardResult {
  readonly dashboardUrl: string;
  readonly prefix: string;
  readonly sensors: number;
  readonly seconds: number;
  readonly readingsSent: number;
  readonly ingestRejected: number;
  readonly rowsShown: number;
  /** Every RunTask on the renderer's main thread during the measurement, ms. */
  readonly mainThreadTasksMs: Quantiles | null;
  readonly busyFraction: number;
  /** PerformanceObserver `longtask` entries (tasks over 50 ms) during the measurement. */
  readonly longTasks: { readonly count: number; readonly totalMs: number; readonly maxMs: number; readonly perMinute: number };
  readonly spikeEveryMs: number;
  readonly spikes: number;
  readonly spikesSeenAlerting: number;
  readonly sendToAlertingMs: Quantiles | null;
  readonly cpuProfileFile: string;
  /** The page's functions with the most self time in the CPU profile. */
  readonly hottest: ReadonlyArray<{ readonly function: string; readonly selfMs: number }>;
  readonly checks: { readonly taskP95Under50Ms: boolean; readonly everySpikeAlerting: boolean; readonly alertingP95Within5s: boolean };
}

const SPIKE_VALUE = 60;
const NORMAL = 21;

interface PageProbe {
  longTasks: Array<{ startTime: number; duration: number }>;
  statusChanges: Array<{ sensorId: string; status: string; atMs: number }>;
}

declare global {
  interface Window {
    __benchProbe?: PageProbe;
  }
}

/**
 * Installed before the page's own scripts: long-task entries and every row status change, with
 * the wall clock. Plain JavaScript text: a compiled function could call the compiler's helpers,
 * which do not exist in the page.
 */
const PROBE_SCRIPT = `(() => {
  const probe = { longTasks: [], statusChanges: [] };
  window.__benchProbe = probe;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) probe.longTasks.push({ startTime: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  const watch = () => new MutationObserver((mutations) => {
    const atMs = Date.now();
    for (const mutation of mutations) {
      const row = mutation.target;
      if (row.getAttribute('data-testid') === 'fleet-sensor') {
        probe.statusChanges.push({ sensorId: row.getAttribute('data-sensor-id') || '', status: row.getAttribute('data-status') || '', atMs });
      }
    }
  }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch);
  else watch();
})();`;

/** Streams one batch of readings into IngestReadings; resolves with the gateway's counts. */
function ingest(client: PipelineServiceClient, token: string, readings: readonly SensorReadingMessage[]): Promise<{ accepted: number; rejected: number }> {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    const call = client.IngestReadings(metadata, { deadline: Date.now() + 10_000 }, (error, response) =>
      error ? reject(error) : resolve({ accepted: response?.accepted ?? 0, rejected: response?.rejected ?? 0 }));
    for (const reading of readings) call.write({ reading });
    call.end();
  });
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** The main-thread task event (named RunTask in older Chromium). */
const TASK_EVENTS = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

/** Durations (ms) of the top-level tasks on the renderer main threads (a task nested in another counts once, as the outer). */
function mainThreadTasks(trace: Buffer): { durationsMs: number[]; spanUs: number } {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mainThreads = new Set(events.filter((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain').map((event) => `${event.pid}:${event.tid}`));
  const tasks = events
    .filter((event) => event.ph === 'X' && TASK_EVENTS.has(event.name) && event.dur !== undefined && mainThreads.has(`${event.pid}:${event.tid}`))
    .sort((a, b) => a.ts - b.ts);
  const durationsMs: number[] = [];
  const endOf = new Map<string, number>();
  for (const task of tasks) {
    const thread = `${task.pid}:${task.tid}`;
    if (task.ts < (endOf.get(thread) ?? -Infinity)) continue;
    endOf.set(thread, task.ts + task.dur!);
    durationsMs.push(task.dur! / 1_000);
  }
  if (tasks.length === 0) return { durationsMs, spanUs: 0 };
  const first = tasks[0]!.ts;
  const last = Math.max(...tasks.map((task) => task.ts + task.dur!));
  return { durationsMs, spanUs: last - first };
}

export async function runDashboardBench(options: DashboardBenchOptions): Promise<DashboardResult> {
  const { progress } = options;
  const health = await fetch(`${options.dashboardUrl}/api/health`).catch(() => null);
  if (health === null || !health.ok) {
    throw new StackDownError(`The dashboard does not answer at ${options.dashboardUrl}/api/health. The dashboard benchmark needs the whole stack: \`npm run stack -- up --apps\` (log: .stack/logs/dashboard.log).`);
  }
  // The same ids every run: the gateway keeps recent readings' sensors, so a prefix per run would add 200 rows per rerun.
  const prefix = 'bench-dash-';
  const siteId = `${prefix}site`;
  const sensorIds = Array.from({ length: options.sensors }, (_, i) => `${prefix}temp-${String(i).padStart(3, '0')}`);
  const client = new (loadPipelineProto(grpc)).iot.v1.PipelineService(options.gatewayAddress, grpc.credentials.createInsecure());

  let sent = 0;
  let rejected = 0;
  let sendProblem: Error | null = null;
  const values = sensorIds.map(() => NORMAL);
  /** Sensor index → when its spike was sent (before the call). */
  const spikeSentAt = new Map<number, number>();
  const pendingSpikes: number[] = [];
  /** The sensor whose readings stay above the band until the next spike starts (so its row stays ALERTING a while). */
  let spiking: number | null = null;
  const tick = async (): Promise<void> => {
    const now = Date.now();
    const batch: SensorReadingMessage[] = [];
    const starting = pendingSpikes.splice(0);
    if (starting.length > 0) spiking = starting.at(-1)!;
    sensorIds.forEach((sensorId, i) => {
      // A slow random walk well inside the band and below the rate-of-change limit.
      values[i] = Math.min(24, Math.max(18, values[i]! + (Math.random() - 0.5) * 0.4));
      batch.push({ sensorId, sensorType: 'temperature', siteId, timestampMs: now, value: i === spiking ? SPIKE_VALUE : values[i]!, unit: '°C' });
    });
    for (const i of starting) {
      // Three readings above the band at once (RANGE opens on the third), 100 ms apart in event time.
      for (const k of [1, 2]) batch.push({ sensorId: sensorIds[i]!, sensorType: 'temperature', siteId, timestampMs: now + k * 100, value: SPIKE_VALUE, unit: '°C' });
      spikeSentAt.set(i, Date.now());
    }
    const counts = await ingest(client, options.gatewayToken, batch);
    sent += counts.accepted;
    rejected += counts.rejected;
  };
  let sending = true;
  const sender = (async () => {
    while (sending && !options.signal.aborted) {
      const started = Date.now();
      try {
        await tick();
      } catch (error) {
        sendProblem = error as Error;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - started))));
    }
  })();

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript({ content: PROBE_SCRIPT });
    progress(`dashboard: ${options.sensors} sensors (${prefix}*) sending a reading per second each through IngestReadings; opening ${options.dashboardUrl}/fleet`);
    await page.goto(`${options.dashboardUrl}/fleet`);
    await page.waitForFunction(
      ([wanted, wantedPrefix]) => document.querySelectorAll(`[data-testid="fleet-sensor"][data-sensor-id^="${wantedPrefix}"]`).length >= wanted,
      [options.sensors, prefix] as const,
      { timeout: 90_000 },
    );
    if (sendProblem) throw sendProblem;
    const rowsShown = await page.locator('[data-testid="fleet-sensor"]').count();
    progress(`dashboard: ${rowsShown} rows live; measuring for ${options.seconds} s with a spike every ${options.spikeEveryMs} ms`);

    const probeStart = await page.evaluate(() => performance.now());
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
    await browser.startTracing(page, { categories: ['devtools.timeline', 'toplevel'] });
    const measureStart = Date.now();
    let spikes = 0;
    while (Date.now() - measureStart < options.seconds * 1_000 && !options.signal.aborted) {
      pendingSpikes.push(spikes % options.sensors);
      spikes++;
      await new Promise((resolve) => setTimeout(resolve, options.spikeEveryMs));
      if (sendProblem) throw sendProblem;
    }
    const trace = await browser.stopTracing();
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(options.cpuProfileFile, JSON.stringify(profile));
    const measuredSeconds = (Date.now() - measureStart) / 1_000;
    // Let the last spike reach the page.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const probe = await page.evaluate(() => window.__benchProbe!);

    const tasks = mainThreadTasks(trace);
    const longTasks = probe.longTasks.filter((task) => task.startTime >= probeStart);
    const firstAlerting = new Map<string, number>();
    for (const change of probe.statusChanges) if (change.status === 'alerting' && !firstAlerting.has(change.sensorId)) firstAlerting.set(change.sensorId, change.atMs);
    const latencies: number[] = [];
    for (const [i, sentAt] of spikeSentAt) {
      const seen = firstAlerting.get(sensorIds[i]!);
      if (seen !== undefined && seen >= sentAt) latencies.push(seen - sentAt);
    }
    const taskQuantiles = quantiles(tasks.durationsMs);
    const latencyQuantiles = quantiles(latencies);
    const busyMs = tasks.durationsMs.reduce((sum, value) => sum + value, 0);
    return {
      dashboardUrl: options.dashboardUrl,
      prefix,
      sensors: options.sensors,
      seconds: measuredSeconds,
      readingsSent: sent,
      ingestRejected: rejected,
      rowsShown,
      mainThreadTasksMs: taskQuantiles,
      busyFraction: tasks.spanUs > 0 ? busyMs / (tasks.spanUs / 1_000) : 0,
      longTasks: {
        count: longTasks.length,
        totalMs: longTasks.reduce((sum, task) => sum + task.duration, 0),
        maxMs: longTasks.reduce((max, task) => Math.max(max, task.duration), 0),
        perMinute: longTasks.length / (measuredSeconds / 60),
      },
      cpuProfileFile: options.cpuProfileFile,
      hottest: hottestFunctions(profile, 8),
      spikeEveryMs: options.spikeEveryMs,
      spikes: spikeSentAt.size,
      spikesSeenAlerting: latencies.length,
      sendToAlertingMs: latencyQuantiles,
      checks: {
        taskP95Under50Ms: taskQuantiles !== null && taskQuantiles.p95 < 50,
        everySpikeAlerting: latencies.length === spikeSentAt.size && spikeSentAt.size > 0,
        alertingP95Within5s: latencyQuantiles !== null && latencyQuantiles.p95 <= 5_000,
      },
    };
  } finally {
    sending = false;
    await sender;
    await browser.close();
    client.close();
  }
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function (name and file) over the profile's samples. */
function hottestFunctions(profile: CpuProfile, top: number): Array<{ function: string; selfMs: number }> {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<string, number>();
  (profile.samples ?? []).forEach((nodeId, i) => {
    const frame = byNode.get(nodeId);
    if (frame === undefined) return;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}`;
    selfUs.set(name, (selfUs.get(name) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
  });
  return [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ function: name, selfMs: Math.round(us / 1_000) }));
}

export function printDashboard(result: DashboardResult): string[] {
  const q = (value: Quantiles | null, digits = 1) =>
    value === null ? 'n/a' : `p50 ${value.p50.toFixed(digits)} ms, p95 ${value.p95.toFixed(digits)}, p99 ${value.p99.toFixed(digits)}, max ${value.max.toFixed(digits)} (n = ${grouped(value.count)})`;
  const { checks, longTasks } = result;
  return [
    `Dashboard: the Fleet page (${result.dashboardUrl}/fleet) in Chromium, ${result.sensors} sensors live (${result.prefix}*, a reading per second each), ${result.rowsShown} rows, measured ${result.seconds.toFixed(0)} s`,
    `  readings sent         ${grouped(result.readingsSent)} through IngestReadings (rejected ${result.ingestRejected})`,
    `  main-thread tasks     ${q(result.mainThreadTasksMs, 2)}; main thread busy ${(result.busyFraction * 100).toFixed(1)}% (Chromium trace, RunTask)`,
    `  long tasks (> 50 ms)  ${longTasks.count} (${longTasks.perMinute.toFixed(1)}/min), ${longTasks.totalMs.toFixed(0)} ms in all, longest ${longTasks.maxMs.toFixed(0)} ms (Performance API, longtask)`,
    `  hottest (self time)   ${result.hottest.slice(0, 5).map((entry) => `${entry.function} ${entry.selfMs} ms`).join('; ')} (${result.cpuProfileFile})`,
    `  spike → ALERTING      ${q(result.sendToAlertingMs, 0)}: from before the IngestReadings call to the row's status in the page`,
    `  check                 task p95 < 50 ms: ${checks.taskP95Under50Ms ? 'OK' : 'FAILED'}; every spike turned its row ALERTING (${result.spikesSeenAlerting} of ${result.spikes}): ${checks.everySpikeAlerting ? 'OK' : 'FAILED'}; spike → ALERTING p95 ≤ 5 s: ${checks.alertingP95Within5s ? 'OK' : 'FAILED'}`,
  ];
}
