import type { Consumer, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  AVRO_SCHEMAS,
  SENSOR_READINGS_DLQ_TOPIC,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
  type SensorReading,
  type WindowCount,
} from '@iot/contracts';
import { registerSchema, type Logger } from '@iot/runtime';
import { PartitionWindows, type WindowRules } from './minute-window.ts';
import { invalidReadingReason } from './reading-validation.ts';

export interface ProcessorDeps {
  readonly consumer: Consumer;
  readonly producer: Producer;
  readonly registry: SchemaRegistry;
  readonly registryUrl: string;
  readonly rules: WindowRules;
  readonly logger: Logger;
  readonly metrics: Registry;
}

const TICK_MS = 1000;

/**
 * Consumes readings, keeps per-partition minute windows, and writes window counts (updates
 * and finals) to the compacted topic. Undecodable or invalid readings go to the DLQ with the
 * reason; late readings too, until the late-readings topic exists.
 *
 * Walking-skeleton delivery: at least once, state in memory (a restart forgets open windows).
 */
export class WindowCountProcessor {
  private readonly partitions = new Map<number, PartitionWindows>();
  private keySchemaId = 0;
  private valueSchemaId = 0;
  private ticker: NodeJS.Timeout | undefined;
  /** Batches and ticks run one at a time, so a window's final is always its last record. */
  private serial: Promise<void> = Promise.resolve();
  private readonly processed: Counter;
  private readonly rejected: Counter<'kind'>;
  private readonly emitted: Counter<'kind'>;

  constructor(private readonly deps: ProcessorDeps) {
    this.processed = new Counter({ name: 'processor_readings_total', help: 'Readings counted into windows', registers: [deps.metrics] });
    this.rejected = new Counter({ name: 'processor_readings_rejected_total', help: 'Readings sent to the DLQ', labelNames: ['kind'], registers: [deps.metrics] });
    this.emitted = new Counter({ name: 'processor_window_records_total', help: 'Window count records produced', labelNames: ['kind'], registers: [deps.metrics] });
    const self = this;
    new Gauge({
      name: 'processor_open_windows',
      help: 'Open windows held in memory',
      registers: [deps.metrics],
      collect() {
        this.set(self.openWindows());
      },
    });
  }

  async start(): Promise<void> {
    const { consumer, registryUrl } = this.deps;
    this.keySchemaId = await registerSchema(registryUrl, WINDOW_COUNTS_TOPIC, 'key', AVRO_SCHEMAS.windowCountKey);
    this.valueSchemaId = await registerSchema(registryUrl, WINDOW_COUNTS_TOPIC, 'value', AVRO_SCHEMAS.windowCount);
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(payload.memberAssignment[SENSOR_READINGS_TOPIC] ?? []);
      for (const partition of this.partitions.keys()) if (!assigned.has(partition)) this.partitions.delete(partition);
      this.deps.logger.info({ partitions: [...assigned] }, 'partitions assigned');
    });
    await consumer.subscribe({ topic: SENSOR_READINGS_TOPIC, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: ({ batch, heartbeat }) =>
        this.serialize(async () => {
          const windows = this.windowsOf(batch.partition);
          for (const message of batch.messages) await this.consume(batch.partition, windows, message);
          await this.emit(windows.drain());
          await heartbeat();
        }),
    });
    this.ticker = setInterval(() => {
      this.serialize(async () => {
        const now = Date.now();
        const out: WindowCount[] = [];
        for (const windows of this.partitions.values()) {
          windows.tick(now);
          out.push(...windows.drain());
        }
        await this.emit(out);
      }).catch((error: unknown) => this.deps.logger.error({ err: error }, 'closing idle windows failed'));
    }, TICK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    await this.deps.consumer.disconnect();
    await this.serial;
  }

  openWindows(): number {
    let total = 0;
    for (const windows of this.partitions.values()) total += windows.openWindowCount;
    return total;
  }

  private serialize(work: () => Promise<void>): Promise<void> {
    const run = this.serial.then(work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private windowsOf(partition: number): PartitionWindows {
    let windows = this.partitions.get(partition);
    if (!windows) {
      windows = new PartitionWindows(this.deps.rules);
      this.partitions.set(partition, windows);
    }
    return windows;
  }

  private async consume(partition: number, windows: PartitionWindows, message: KafkaMessage): Promise<void> {
    if (!message.value) return this.deadLetter(partition, message, 'invalid', 'empty value (tombstone) on the readings topic');
    let reading: SensorReading;
    try {
      reading = (await this.deps.registry.decode(message.value)) as SensorReading;
    } catch (error) {
      return this.deadLetter(partition, message, 'undecodable', `cannot decode Avro value: ${(error as Error).message}`);
    }
    const invalid = invalidReadingReason(reading, Date.now());
    if (invalid) return this.deadLetter(partition, message, 'invalid', invalid);
    const result = windows.add(reading, Date.now());
    if (result.kind === 'late') {
      return this.deadLetter(
        partition,
        message,
        'late',
        `late: window ${new Date(result.windowStart).toISOString()} closed (stream time ${new Date(result.streamTime).toISOString()}, grace ${this.deps.rules.graceMs} ms)`,
      );
    }
    this.processed.inc();
  }

  /** `kind` is a fixed category (a metric label); `reason` is the full text for people. */
  private async deadLetter(partition: number, message: KafkaMessage, kind: 'undecodable' | 'invalid' | 'late', reason: string): Promise<void> {
    const headers: IHeaders = {
      ...message.headers,
      'dlq.kind': kind,
      'dlq.reason': reason,
      'dlq.source.topic': SENSOR_READINGS_TOPIC,
      'dlq.source.partition': String(partition),
      'dlq.source.offset': message.offset,
    };
    await this.deps.producer.send({
      topic: SENSOR_READINGS_DLQ_TOPIC,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers, timestamp: message.timestamp }],
    });
    this.rejected.inc({ kind });
    this.deps.logger.warn({ partition, offset: message.offset, reason }, 'reading sent to the DLQ');
  }

  private async emit(windows: readonly WindowCount[]): Promise<void> {
    if (windows.length === 0) return;
    const { registry } = this.deps;
    const messages = await Promise.all(
      windows.map(async (window) => ({
        key: await registry.encode(this.keySchemaId, { sensorId: window.sensorId, windowStart: window.windowStart }),
        value: await registry.encode(this.valueSchemaId, window),
      })),
    );
    await this.deps.producer.send({ topic: WINDOW_COUNTS_TOPIC, acks: -1, messages });
    for (const window of windows) this.emitted.inc({ kind: window.final ? 'final' : 'update' });
  }
}
