import type { Admin, Consumer, IHeaders, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
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
import { restorePartitions } from './restore.ts';
import { streamTimeChangelogRecord, windowChangelogRecord } from './window-state-changelog.ts';

export interface ProcessorDeps {
  readonly kafka: Kafka;
  readonly consumer: Consumer;
  readonly registry: SchemaRegistry;
  readonly registryUrl: string;
  /** Consumer group id, also the prefix of transactional ids and of the changelog topic. */
  readonly applicationId: string;
  readonly rules: WindowRules;
  readonly logger: Logger;
  readonly metrics: Registry;
}

const TICK_MS = 1000;
type DeadLetterKind = 'undecodable' | 'invalid' | 'late';

/** The changelog topic backing the window state, named like a Kafka Streams store changelog. */
function changelogTopicOf(applicationId: string): string {
  return `${applicationId}-window-state-changelog`;
}

/** One input partition's state and its own transactional producer. */
interface PartitionTask {
  readonly partition: number;
  readonly windows: PartitionWindows;
  readonly producer: Producer;
  /**
   * Whether the consumer has read this partition to its end. Only then may the wall clock move
   * stream time: while a backlog is replayed, "no records lately" does not mean "quiet".
   */
  caughtUp: boolean;
  /** Batches and ticks of this partition run one at a time, so a window's final is its last record. */
  serial: Promise<void>;
}

/**
 * Consumes readings, keeps per-partition minute windows, and writes window counts (updates and
 * finals) to the compacted topic, exactly once: each batch's outputs, DLQ records, changelog
 * records and consumed offsets commit in one Kafka transaction.
 *
 * kafkajs sends no consumer-group generation with the offsets (no KIP-447), so every input
 * partition has its own transactional producer (id = application id + topic + partition), the
 * pattern Kafka Streams used before exactly_once_v2: a zombie that still owns a partition's
 * producer is fenced as soon as the new owner initialises the same transactional id.
 *
 * When partitions are assigned, their window state is restored from the changelog before any
 * of their readings is processed.
 */
export class WindowCountProcessor {
  private readonly tasks = new Map<number, PartitionTask>();
  /** Resolves when the latest assignment's tasks are restored and their producers ready. */
  private assignment: Promise<void> = Promise.resolve();
  /** The input partitions of the latest group assignment. */
  private assigned: readonly number[] = [];
  private keySchemaId = 0;
  private valueSchemaId = 0;
  private ticker: NodeJS.Timeout | undefined;
  private readonly changelogTopic: string;
  private readonly processed: Counter;
  private readonly rejected: Counter<'kind'>;
  private readonly emitted: Counter<'kind'>;
  private readonly restoredRecords: Counter;
  private readonly restoreSeconds: Gauge;

  constructor(private readonly deps: ProcessorDeps) {
    this.changelogTopic = changelogTopicOf(deps.applicationId);
    const registers = [deps.metrics];
    this.processed = new Counter({ name: 'processor_readings_total', help: 'Readings counted into windows', registers });
    this.rejected = new Counter({ name: 'processor_readings_rejected_total', help: 'Readings sent to the DLQ', labelNames: ['kind'], registers });
    this.emitted = new Counter({ name: 'processor_window_records_total', help: 'Window count records produced', labelNames: ['kind'], registers });
    this.restoredRecords = new Counter({ name: 'processor_state_restored_records_total', help: 'Changelog records read while restoring window state', registers });
    this.restoreSeconds = new Gauge({ name: 'processor_state_restore_seconds', help: 'Duration of the last window state restore', registers });
    const tasks = this.tasks;
    new Gauge({
      name: 'processor_open_windows',
      help: 'Open windows held in memory',
      registers,
      collect() {
        let open = 0;
        for (const task of tasks.values()) open += task.windows.openWindowCount;
        this.set(open);
      },
    });
  }

  async start(): Promise<void> {
    const { consumer, registryUrl, kafka } = this.deps;
    this.keySchemaId = await registerSchema(registryUrl, WINDOW_COUNTS_TOPIC, 'key', AVRO_SCHEMAS.windowCountKey);
    this.valueSchemaId = await registerSchema(registryUrl, WINDOW_COUNTS_TOPIC, 'value', AVRO_SCHEMAS.windowCount);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await this.ensureChangelogTopic(admin);
    } finally {
      await admin.disconnect();
    }

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = payload.memberAssignment[SENSOR_READINGS_TOPIC] ?? [];
      // A failure surfaces again in the next batch, which awaits the same promise.
      this.reassign().catch((error: unknown) => this.deps.logger.error({ err: error }, 'restoring assigned partitions failed'));
    });
    await consumer.subscribe({ topic: SENSOR_READINGS_TOPIC, fromBeginning: true });
    await consumer.run({
      autoCommit: false, // offsets are committed inside each batch's transaction
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        await this.assignment;
        // A task dropped after a failed transaction is rebuilt from the changelog; kafkajs then
        // re-fetches from the last resolved offset, which is the last committed one.
        if (!this.tasks.has(batch.partition) && this.assigned.includes(batch.partition)) await this.reassign();
        const task = this.tasks.get(batch.partition);
        if (!task || !isRunning() || isStale() || batch.messages.length === 0) return;
        await this.serialize(task, () => this.processBatch(task, batch.messages));
        // Committed by the transaction; this only moves kafkajs's fetch position past the batch.
        resolveOffset(batch.lastOffset());
        task.caughtUp = Number(batch.offsetLag()) === 0;
        await heartbeat();
      },
    });
    this.ticker = setInterval(() => {
      const now = Date.now();
      for (const task of this.tasks.values()) {
        if (!task.caughtUp) continue;
        this.serialize(task, async () => {
          task.windows.tick(now);
          await this.commit(task, task.windows.drain(), [], undefined);
        }).catch((error: unknown) => this.deps.logger.error({ err: error, partition: task.partition }, 'closing idle windows failed'));
      }
    }, TICK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    await this.deps.consumer.disconnect();
    await this.assignment.catch(() => undefined);
    await Promise.all([...this.tasks.values()].map((task) => this.closeTask(task)));
  }

  private async ensureChangelogTopic(admin: Admin): Promise<void> {
    const [input] = (await admin.fetchTopicMetadata({ topics: [SENSOR_READINGS_TOPIC] })).topics;
    const partitions = input?.partitions.length ?? 0;
    if (partitions === 0) throw new Error(`input topic ${SENSOR_READINGS_TOPIC} has no partitions (was the stack provisioned?)`);
    if ((await admin.listTopics()).includes(this.changelogTopic)) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{
        topic: this.changelogTopic,
        numPartitions: partitions, // changelog partition n backs input partition n
        replicationFactor: 1,
        // Small segments so compaction keeps the restore short: only the active segment is never compacted.
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'segment.ms', value: '600000' },
          { name: 'min.cleanable.dirty.ratio', value: '0.1' },
        ],
      }],
    });
    this.deps.logger.info({ topic: this.changelogTopic, partitions }, 'created the window state changelog topic');
  }

  private reassign(): Promise<void> {
    this.assignment = this.assignment.catch(() => undefined).then(() => this.assign(this.assigned));
    return this.assignment;
  }

  /** Drops tasks no longer assigned, restores and opens the new ones. */
  private async assign(partitions: readonly number[]): Promise<void> {
    const wanted = new Set(partitions);
    for (const task of [...this.tasks.values()]) {
      if (!wanted.has(task.partition)) {
        this.tasks.delete(task.partition);
        await this.closeTask(task);
      }
    }
    const added = partitions.filter((partition) => !this.tasks.has(partition));
    if (added.length === 0) return;
    const started = Date.now();
    const restored = await restorePartitions(this.deps.kafka, this.changelogTopic, added);
    const lagging = await this.partitionsWithBacklog(added);
    for (const partition of added) {
      const windows = new PartitionWindows(this.deps.rules);
      const state = restored.get(partition);
      if (state) windows.restore(state.windows.values(), state.streamTime, Date.now());
      const producer = this.deps.kafka.producer({
        transactionalId: `${this.deps.applicationId}-${SENSOR_READINGS_TOPIC}-${partition}`,
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
      });
      await producer.connect(); // initialises the transactional id: fences any zombie holding it
      this.tasks.set(partition, { partition, windows, producer, caughtUp: !lagging.has(partition), serial: Promise.resolve() });
    }
    const records = [...restored.values()].reduce((total, state) => total + state.records, 0);
    const seconds = (Date.now() - started) / 1000;
    this.restoredRecords.inc(records);
    this.restoreSeconds.set(seconds);
    this.deps.logger.info({ partitions: added, restoredRecords: records, seconds, assigned: [...wanted] }, 'partitions restored and assigned');
  }

  /** Input partitions whose committed offset is behind their end: a backlog to replay first. */
  private async partitionsWithBacklog(partitions: readonly number[]): Promise<Set<number>> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    try {
      const ends = new Map((await admin.fetchTopicOffsets(SENSOR_READINGS_TOPIC)).map(({ partition, high, low }) => [partition, { high: Number(high), low: Number(low) }]));
      const [committed] = await admin.fetchOffsets({ groupId: this.deps.applicationId, topics: [SENSOR_READINGS_TOPIC] });
      const position = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
      const lagging = new Set<number>();
      for (const partition of partitions) {
        const end = ends.get(partition);
        const next = position.get(partition) ?? -1;
        // -1: nothing committed yet, so consumption starts at the low watermark.
        const from = next < 0 ? (end?.low ?? 0) : next;
        if (end && from < end.high) lagging.add(partition);
      }
      return lagging;
    } finally {
      await admin.disconnect();
    }
  }

  private async closeTask(task: PartitionTask): Promise<void> {
    await task.serial.catch(() => undefined);
    await task.producer.disconnect();
  }

  private serialize(task: PartitionTask, work: () => Promise<void>): Promise<void> {
    const run = task.serial.then(work);
    task.serial = run.catch(() => undefined);
    return run;
  }

  private async processBatch(task: PartitionTask, messages: readonly KafkaMessage[]): Promise<void> {
    const deadLetters: Message[] = [];
    for (const message of messages) {
      const rejection = await this.consume(task.windows, message);
      if (rejection) deadLetters.push(this.deadLetter(task.partition, message, rejection.kind, rejection.reason));
    }
    const lastOffset = messages[messages.length - 1]!.offset;
    await this.commit(task, task.windows.drain(), deadLetters, String(Number(lastOffset) + 1));
  }

  private async consume(windows: PartitionWindows, message: KafkaMessage): Promise<{ kind: DeadLetterKind; reason: string } | undefined> {
    if (!message.value) return { kind: 'invalid', reason: 'empty value (tombstone) on the readings topic' };
    let reading: SensorReading;
    try {
      reading = (await this.deps.registry.decode(message.value)) as SensorReading;
    } catch (error) {
      return { kind: 'undecodable', reason: `cannot decode Avro value: ${(error as Error).message}` };
    }
    const invalid = invalidReadingReason(reading, Date.now());
    if (invalid) return { kind: 'invalid', reason: invalid };
    const result = windows.add(reading, Date.now());
    if (result.kind === 'late') {
      return {
        kind: 'late',
        reason: `late: window ${new Date(result.windowStart).toISOString()} closed (stream time ${new Date(result.streamTime).toISOString()}, grace ${this.deps.rules.graceMs} ms)`,
      };
    }
    this.processed.inc();
    return undefined;
  }

  /** `kind` is a fixed category (a metric label); `reason` is the full text for people. */
  private deadLetter(partition: number, message: KafkaMessage, kind: DeadLetterKind, reason: string): Message {
    const headers: IHeaders = {
      ...message.headers,
      'dlq.kind': kind,
      'dlq.reason': reason,
      'dlq.source.topic': SENSOR_READINGS_TOPIC,
      'dlq.source.partition': String(partition),
      'dlq.source.offset': message.offset,
    };
    this.rejected.inc({ kind });
    // Debug, not warn: a burst of bad input must not flood the log; the DLQ topic and the metric carry it.
    this.deps.logger.debug({ partition, offset: message.offset, reason }, 'reading sent to the DLQ');
    return { key: message.key, value: message.value, headers, timestamp: message.timestamp };
  }

  /**
   * One transaction: window counts, their changelog records, the stream time, DLQ records and
   * (for a batch) the next offset to consume. Nothing of it is visible to read_committed
   * consumers unless all of it is.
   */
  private async commit(task: PartitionTask, windows: readonly WindowCount[], deadLetters: Message[], nextOffset: string | undefined): Promise<void> {
    if (windows.length === 0 && deadLetters.length === 0 && nextOffset === undefined) return;
    const { registry } = this.deps;
    const outputs = await Promise.all(
      windows.map(async (window) => ({
        key: await registry.encode(this.keySchemaId, { sensorId: window.sensorId, windowStart: window.windowStart }),
        value: await registry.encode(this.valueSchemaId, window),
      })),
    );
    const changelog = [...windows.map(windowChangelogRecord), streamTimeChangelogRecord(task.windows.currentStreamTime)].map((record) => ({
      ...record,
      partition: task.partition,
    }));
    const transaction = await task.producer.transaction();
    try {
      if (outputs.length > 0) await transaction.send({ topic: WINDOW_COUNTS_TOPIC, acks: -1, messages: outputs });
      if (deadLetters.length > 0) await transaction.send({ topic: SENSOR_READINGS_DLQ_TOPIC, acks: -1, messages: deadLetters });
      await transaction.send({ topic: this.changelogTopic, acks: -1, messages: changelog });
      if (nextOffset !== undefined) {
        await transaction.sendOffsets({
          consumerGroupId: this.deps.applicationId,
          topics: [{ topic: SENSOR_READINGS_TOPIC, partitions: [{ partition: task.partition, offset: nextOffset }] }],
        });
      }
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      // The in-memory state is now ahead of what Kafka holds: rebuild it from the changelog and
      // re-read from the committed offset, by failing the batch (kafkajs restarts the consumer).
      this.tasks.delete(task.partition);
      void this.closeTask(task);
      throw error;
    }
    for (const window of windows) this.emitted.inc({ kind: window.final ? 'final' : 'update' });
  }
}
