import { performance } from 'node:perf_hooks';
import type { ProcessorTopics } from '@iot/stream-processor/processor';
import { captureLogs, metricTotal, RssSampler } from './support.ts';
import { createBenchProcessor, processorMetrics, type ProcessorMetrics } from './throughput.ts';

/**
 * One StreamProcessor instance of the scaling benchmark, in its own OS process (forked by
 * scaling-bench.ts with `node --import tsx`). Its settings come as JSON in
 * BENCH_SCALING_INSTANCE; it talks to the parent over the IPC channel:
 *   child → parent  { type: 'ready' }            constructed, consumer connected
 *   parent → child  { type: 'start' }            processor.start()
 *   parent → child  { type: 'stop' }             the group committed the end offsets: report and exit
 *   child → parent  { type: 'result', ... }      InstanceReport
 *   child → parent  { type: 'error', message }   then exits with 1
 */

export interface InstanceSettings {
  instance: number;
  topics: ProcessorTopics;
  applicationId: string;
  clientId: string;
  brokers: string[];
  registryUrl: string;
  commitIntervalMs: number;
  logFile: string;
}

export interface InstanceReport {
  instance: number;
  pid: number;
  metrics: ProcessorMetrics;
  /** Input partitions it owned when stopped. */
  assignedPartitions: number;
  /** GROUP_JOIN events: 1 means it never took part in a rebalance after its first join. */
  groupJoins: number;
  /** 'start' until its consumer handed over the first batch, in seconds (null if it never got one). */
  startupSeconds: number | null;
  /** CPU (user + system) from 'start' to 'stop', and that as cores busy on average. */
  cpuSeconds: number;
  cores: number;
  rssPeakMiB: number;
  log: { file: string; counts: Record<string, number>; messages: Array<{ message: string; count: number }> };
}

export type ParentMessage = { type: 'start' } | { type: 'stop' };
export type ChildMessage = { type: 'ready' } | { type: 'result'; report: InstanceReport } | { type: 'error'; message: string };

const send = (message: ChildMessage): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });

async function main(): Promise<void> {
  const raw = process.env.BENCH_SCALING_INSTANCE;
  if (!raw || !process.send) throw new Error('scaling-instance.ts is started by the scaling benchmark (bench/src/scaling-bench.ts) with BENCH_SCALING_INSTANCE and an IPC channel');
  const settings = JSON.parse(raw) as InstanceSettings;
  const logs = captureLogs(`bench-stream-processor-${settings.instance}`, 'warn', settings.logFile);
  const bench = await createBenchProcessor({ ...settings, logger: logs.logger });
  let rss: RssSampler | undefined;
  let startedAt = 0;
  let cpuAtStart = process.cpuUsage();
  let started = false;
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'start') {
      startedAt = performance.now();
      cpuAtStart = process.cpuUsage();
      rss = new RssSampler(250);
      started = true;
      bench.processor.start().catch((error: unknown) => fail(error));
    } else if (message.type === 'stop') {
      void (async () => {
        const stoppedAt = performance.now();
        const cpu = process.cpuUsage(cpuAtStart);
        const rssPeak = rss?.stop() ?? process.memoryUsage().rss;
        const assignedPartitions = await metricTotal(bench.metrics, 'processor_assigned_partitions');
        if (started) await bench.processor.stop();
        else await bench.consumer.disconnect();
        const metrics = await processorMetrics(bench.metrics);
        await logs.close();
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        const firstBatchAt = bench.firstBatchAt();
        await send({
          type: 'result',
          report: {
            instance: settings.instance,
            pid: process.pid,
            metrics,
            assignedPartitions,
            groupJoins: bench.groupJoins(),
            startupSeconds: firstBatchAt === undefined ? null : (firstBatchAt - startedAt) / 1000,
            cpuSeconds,
            cores: cpuSeconds / ((stoppedAt - startedAt) / 1000),
            rssPeakMiB: rssPeak / 1048576,
            log: {
              file: logs.file,
              counts: Object.fromEntries(logs.counts),
              messages: [...logs.messages].sort(([, a], [, b]) => b - a).slice(0, 20).map(([message, count]) => ({ message, count })),
            },
          },
        });
        process.exit(0);
      })().catch((error: unknown) => fail(error));
    }
  });
  // The parent going away (Ctrl-C, a crash) must not leave a processor running.
  process.on('disconnect', () => process.exit(1));
  await send({ type: 'ready' });
}

function fail(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  void send({ type: 'error', message }).finally(() => process.exit(1));
}

main().catch(fail);
