import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Admin, DeleteGroupsResult } from 'kafkajs';
import { pino, type Logger } from 'pino';
import type { Histogram, Registry } from 'prom-client';
import { subjectFor } from '@iot/contracts';

/** Thrown when the local stack is not there: the message says how to start it. */
export class StackDownError extends Error {}

/** Deletes the groups; answers with those that could not be deleted and why. */
async function deleteGroupsReportingFailures(admin: Admin, groups: string[]): Promise<Array<{ groupId: string; error: string }>> {
  if (groups.length === 0) return [];
  try {
    await admin.deleteGroups(groups);
    return [];
  } catch (error) {
    // KafkaJSDeleteGroupsError carries each group's result (kafkajs does not export the class to ES modules).
    const results = (error as { groups?: DeleteGroupsResult[] }).groups;
    if (results === undefined) return groups.map((groupId) => ({ groupId, error: (error as Error).message }));
    return results.filter((result) => result.error).map((result) => ({ groupId: result.groupId, error: result.error!.type ?? result.error!.message }));
  }
}

/** Everything a run creates on the broker and in the registry, deleted at the end whatever happened. */
export class Resources {
  readonly topics = new Set<string>();
  readonly groups = new Set<string>();
  /** Topics whose `-key`/`-value` subjects the run registered. */
  readonly subjectTopics = new Set<string>();

  /** Returns the problems it met (cleanup never throws: it runs in `finally`). */
  async delete(admin: Admin, registryUrl: string): Promise<string[]> {
    const problems: string[] = [];
    if (this.groups.size > 0) {
      try {
        const existing = new Set((await admin.listGroups()).groups.map((group) => group.groupId));
        const groups = [...this.groups].filter((group) => existing.has(group));
        // Once more after a pause for those that failed: a member that has just stopped can still
        // hold its group for a moment.
        let failed = await deleteGroupsReportingFailures(admin, groups);
        if (failed.length > 0) {
          await new Promise((resolve) => setTimeout(resolve, 5000));
          failed = await deleteGroupsReportingFailures(admin, failed.map((result) => result.groupId));
        }
        if (failed.length > 0) problems.push(`deleting groups: ${failed.map((result) => `${result.groupId} (${result.error})`).join(', ')}`);
      } catch (error) {
        problems.push(`deleting groups ${[...this.groups].join(', ')}: ${(error as Error).message}`);
      }
    }
    if (this.topics.size > 0) {
      try {
        const existing = new Set(await admin.listTopics());
        const topics = [...this.topics].filter((topic) => existing.has(topic));
        if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
      } catch (error) {
        problems.push(`deleting topics ${[...this.topics].join(', ')}: ${(error as Error).message}`);
      }
    }
    const base = registryUrl.replace(/\/$/, '');
    for (const topic of this.subjectTopics) {
      for (const part of ['key', 'value'] as const) {
        const subject = encodeURIComponent(subjectFor(topic, part));
        // Soft delete, then permanent; a subject that was never registered answers 404, which is fine.
        for (const suffix of ['', '?permanent=true']) {
          try {
            const response = await fetch(`${base}/subjects/${subject}${suffix}`, { method: 'DELETE', signal: AbortSignal.timeout(5000) });
            if (!response.ok && response.status !== 404) problems.push(`deleting subject ${subjectFor(topic, part)}${suffix}: HTTP ${response.status}`);
          } catch (error) {
            problems.push(`deleting subject ${subjectFor(topic, part)}: ${(error as Error).message}`);
          }
        }
      }
    }
    return problems;
  }
}

export interface LogCapture {
  readonly logger: Logger;
  /** Lines per level name (warn, error, fatal). */
  readonly counts: Map<string, number>;
  /** Lines per distinct "level component: message". */
  readonly messages: Map<string, number>;
  readonly file: string;
  close(): Promise<void>;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * A pino logger for the processor under test: its lines (and kafkajs's, routed through it) go to
 * `file` rather than the terminal, and are counted, so the results can say what it complained about.
 */
export function captureLogs(service: string, level: string, file: string): LogCapture {
  const out: WriteStream = createWriteStream(file);
  const counts = new Map<string, number>();
  const messages = new Map<string, number>();
  let closed = false;
  const destination = {
    write(line: string): void {
      if (!closed) out.write(line);
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; component?: string };
        const name = LEVEL_NAMES[entry.level ?? 0] ?? String(entry.level);
        counts.set(name, (counts.get(name) ?? 0) + 1);
        const text = `${name} ${entry.component ?? service}: ${entry.msg ?? ''}`;
        messages.set(text, (messages.get(text) ?? 0) + 1);
      } catch {
        counts.set('unparsed', (counts.get('unparsed') ?? 0) + 1);
      }
    },
  };
  const logger = pino({ name: service, level, base: { service } }, destination);
  return {
    logger,
    counts,
    messages,
    file,
    close: () => {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => out.end(resolve));
    },
  };
}

/** Samples the process RSS every `everyMs` while running; `peak` is the largest sample. */
export class RssSampler {
  peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 250) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/**
 * CPU used between `start()` and `stop()`: by this process (user + system seconds) and, on Linux,
 * by the whole machine (from /proc/stat), both as cores busy on average. The difference is mostly
 * the broker, which runs on the same machine.
 */
export class CpuMeter {
  private readonly startedAt = performance.now();
  private readonly process = process.cpuUsage();
  private readonly machine = machineTicks();

  stop(): { seconds: number; processCores: number; machineCores: number | null } {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const used = process.cpuUsage(this.process);
    const end = machineTicks();
    const machineCores = this.machine && end && end.total > this.machine.total
      ? ((end.busy - this.machine.busy) / (end.total - this.machine.total)) * cpus().length
      : null;
    return { seconds, processCores: (used.user + used.system) / 1e6 / seconds, machineCores };
  }
}

function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** The sum of a counter over all its label sets (0 when it was never registered). */
export async function metricTotal(registry: Registry, name: string): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  return (await metric.get()).values.reduce((total, { value }) => total + value, 0);
}

/** A counter's values by one label. */
export async function metricByLabel(registry: Registry, name: string, label: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  const byLabel: Record<string, number> = {};
  if (!metric) return byLabel;
  for (const { labels, value } of (await metric.get()).values) {
    const key = String(labels[label] ?? '');
    byLabel[key] = (byLabel[key] ?? 0) + value;
  }
  return byLabel;
}

export interface HistogramSummary {
  count: number;
  /** Mean in seconds (sum / count). */
  mean: number;
  /** Quantiles in seconds, interpolated within buckets as Prometheus's histogram_quantile does. */
  p50: number;
  p90: number;
  p99: number;
  /** The bucket the slowest observation fell in, e.g. "1-2.5 s". */
  slowestBucket: string;
  /** Cumulative counts per upper bound ("+Inf" last). */
  buckets: Array<{ le: string; count: number }>;
}

export async function histogramSummary(registry: Registry, name: string): Promise<HistogramSummary> {
  const metric = registry.getSingleMetric(name) as Histogram | undefined;
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  const buckets: Array<{ le: string; count: number }> = [];
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (value.metricName === `${name}_bucket`) buckets.push({ le: String(value.labels.le), count: value.value });
    else if (value.metricName === `${name}_sum`) sum = value.value;
    else if (value.metricName === `${name}_count`) count = value.value;
  }
  const quantile = (q: number): number => {
    if (count === 0) return Number.NaN;
    const rank = q * count;
    let lowerBound = 0;
    let lowerCount = 0;
    for (const { le, count: cumulative } of buckets) {
      if (le === '+Inf') return lowerBound; // beyond the largest bucket: its bound is all we know
      const upperBound = Number(le);
      if (cumulative >= rank) {
        const inBucket = cumulative - lowerCount;
        return inBucket === 0 ? upperBound : lowerBound + ((upperBound - lowerBound) * (rank - lowerCount)) / inBucket;
      }
      lowerBound = upperBound;
      lowerCount = cumulative;
    }
    return lowerBound;
  };
  let slowestBucket = 'none';
  let previous = '0';
  for (const { le, count: cumulative } of buckets) {
    if (cumulative === count && count > 0) {
      slowestBucket = le === '+Inf' ? `> ${previous} s` : `${previous}-${le} s`;
      break;
    }
    previous = le;
  }
  return { count, mean: count === 0 ? Number.NaN : sum / count, p50: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99), slowestBucket, buckets };
}

export const mib = (bytes: number): number => Math.round(bytes / 1024 / 1024);
export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
export const ms = (seconds: number): string => (Number.isFinite(seconds) ? `${round(seconds * 1000, 1)} ms` : 'n/a');
export const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');
