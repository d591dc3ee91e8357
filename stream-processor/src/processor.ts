import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Admin, type Consumer, type IHeaders, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  ALERT_ACKS_TOPIC,
  ALERTS_TOPIC,
  AVRO_SCHEMAS,
  DEVICES_TOPIC,
  LATE_READINGS_TOPIC,
  SENSOR_READINGS_DLQ_TOPIC,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
} from '@iot/contracts';
import { registerSchema, type Logger } from '@iot/runtime';
import type { AlertRulesConfig } from './alert-rules.ts';
import { PartitionWindows, type WindowRules } from './minute-window.ts';
import { coPartitionedAssigner } from './co-partitioned-assigner.ts';
import { DeviceTable } from './device-table.ts';
import { decodeAlertAck, decodeReading, type Rejection } from './reading-decoder.ts';
import { restorePartitions } from './restore.ts';
import { PartitionMonitors } from './sensor-monitors.ts';
import { sensorChangelogRecord, streamTimeChangelogRecord, windowChangelogRecord } from './state-changelog.ts';

/** The topics the processor reads and writes; the contract's by default, others in benchmarks. */
export interface ProcessorTopics {
  readonly readings: string;
  /** Co-partitioned with `readings`: partition n of both belongs to one task. */
  readonly alertAcks: string;
  readonly windowCounts: string;
  readonly alerts: string;
  readonly deadLetters: string;
  readonly lateReadings: string;
  /** The device registry, read whole by every instance as a table. */
  readonly devices: string;
}

export const CONTRACT_TOPICS: ProcessorTopics = {
  readings: SENSOR_READINGS_TOPIC,
  alertAcks: ALERT_ACKS_TOPIC,
  windowCounts: WINDOW_COUNTS_TOPIC,
  alerts: ALERTS_TOPIC,
  deadLetters: SENSOR_READINGS_DLQ_TOPIC,
  lateReadings: LATE_READINGS_TOPIC,
  devices: DEVICES_TOPIC,
};

export interface ProcessorDeps {
  readonly topics?: ProcessorTopics;
  readonly kafka: Kafka;
  readonly consumer: Consumer;
  readonly registry: SchemaRegistry;
  readonly registryUrl: string;
  /** Consumer group id, also the prefix of transactional ids and of the changelog topic. */
  readonly applicationId: string;
  readonly rules: WindowRules;
  readonly alertRules: AlertRulesConfig;
  /** How often a partition's work is committed (one transaction each). */
  readonly commitIntervalMs: number;
  readonly logger: Logger;
  readonly metrics: Registry;
}

/** How often the wall clock closes idle windows and runs the silence detector. */
const WALL_CLOCK_TICK_MS = 1000;
/** Heartbeat at least every this many records of a batch, so a large batch never looks like a dead member. */
const HEARTBEAT_EVERY = 500;
const ABANDON_BACKOFF_MS = 1000;
/** Header on non-final window records; the Postgres sink filters them out and keeps finals only. */
const WINDOW_UPDATE_HEADER = 'iot.window.update';

/** The processor's consumer: the group is the application id; partitions are assigned co-partitioned. */
export function createProcessorConsumer(kafka: Kafka, applicationId: string): Consumer {
  return kafka.consumer({ groupId: applicationId, sessionTimeout: 30_000, heartbeatInterval: 3_000, partitionAssigners: [coPartitionedAssigner] });
}

type InputRole = 'readings' | 'alertAcks';
const INPUTS: readonly InputRole[] = ['readings', 'alertAcks'];
type Positions = Record<InputRole, number>;

/** The changelog topic backing the partitions' state, named like a Kafka Streams store changelog. */
export function changelogTopicOf(applicationId: string): string {
  return `${applicationId}-state-changelog`;
}

/** One input partition's state, its own transactional producer, and its uncommitted work. */
interface PartitionTask {
  readonly partition: number;
  readonly windows: PartitionWindows;
  readonly monitors: PartitionMonitors;
  readonly producer: Producer;
  /** Per input, the next offset to process: records below it are already in the state (a re-delivery after a rebalance). */
  position: Positions;
  /** Per input, the offset the committed state corresponds to; where to seek back to when a commit fails. */
  committedPosition: Positions;
  deadLetters: Message[];
  lateReadings: Message[];
  lastCommitAt: number;
  lastWallClockTick: number;
  /**
   * Whether the consumer has read this partition to its end. Only then may the wall clock move
   * stream time or find silence: while a backlog is replayed, "no records lately" means nothing.
   */
  caughtUp: boolean;
  /** Batches and commits of this partition run one at a time. */
  serial: Promise<void>;
}

/**
 * Consumes readings and keeps, per input partition, minute windows and anomaly detectors. Every
 * `commitIntervalMs` a partition's work commits in one Kafka transaction: window counts, alerts,
 * DLQ and late records, changelog records and the consumed offset. Nothing of it is visible to
 * read_committed consumers unless all of it is.
 *
 * kafkajs sends no consumer-group generation with the offsets (no KIP-447), so every input
 * partition has its own transactional producer (id = application id + topic + partition), the
 * pattern Kafka Streams used before exactly_once_v2: a zombie that still owns a partition's
 * producer is fenced as soon as the new owner initialises the same transactional id.
 *
 * A newly assigned partition is fenced first, then its state is restored from the changelog
 * and its position read from the committed offset, before any of its readings is processed.
 */
export class StreamProcessor {
  private readonly tasks = new Map<number, PartitionTask>();
  /** Resolves when the latest assignment's tasks are restored and their producers ready. */
  private assignment: Promise<void> = Promise.resolve();
  /** The input partitions of the latest group assignment. */
  private assigned: readonly number[] = [];
  private readonly schemaIds = { windowKey: 0, windowValue: 0, alertKey: 0, alertValue: 0 };
  private ticker: NodeJS.Timeout | undefined;
  private readonly changelogTopic: string;
  private readonly topics: ProcessorTopics;
  private readonly devices: DeviceTable;
  private readonly metrics;

  constructor(private readonly deps: ProcessorDeps) {
    this.changelogTopic = changelogTopicOf(deps.applicationId);
    this.topics = deps.topics ?? CONTRACT_TOPICS;
    this.devices = new DeviceTable({ kafka: deps.kafka, registry: deps.registry, topic: this.topics.devices, logger: deps.logger, metrics: deps.metrics });
    const registers = [deps.metrics];
    const tasks = this.tasks;
    const sum = (of: (task: PartitionTask) => number) => [...tasks.values()].reduce((total, task) => total + of(task), 0);
    this.metrics = {
      consumed: new Counter({ name: 'processor_records_consumed_total', help: 'Records read from the readings topic (processed + dead-lettered + late)', registers }),
      processed: new Counter({ name: 'processor_readings_processed_total', help: 'Readings counted into windows and fed to the detectors', registers }),
      deadLettered: new Counter({ name: 'processor_readings_dead_lettered_total', help: 'Records sent to the DLQ, by kind', labelNames: ['kind'], registers }),
      unknownDevice: new Counter({ name: 'processor_readings_unknown_device_total', help: 'Readings processed for a sensor the device registry does not list (judged by its type\'s limits)', registers }),
      late: new Counter({ name: 'processor_readings_late_total', help: 'Readings later than window end + grace, sent to iot.late-readings', registers }),
      acks: new Counter({ name: 'processor_alert_acks_total', help: 'Alert acknowledgements read, by result (acknowledged; ignored: no such open alert; dead-lettered: bad record)', labelNames: ['result'], registers }),
      windowRecords: new Counter({ name: 'processor_window_records_total', help: 'Window count records produced, by kind (update, final)', labelNames: ['kind'], registers }),
      alertRecords: new Counter({ name: 'processor_alert_records_total', help: 'Alert records produced, by state (tombstone for expired)', labelNames: ['state'], registers }),
      lag: new Gauge({ name: 'processor_partition_lag', help: 'Records behind the end of the readings partition after the last batch', labelNames: ['partition'], registers }),
      commitSeconds: new Histogram({ name: 'processor_transaction_commit_seconds', help: 'Time to send and commit one transaction', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers }),
      restoredRecords: new Counter({ name: 'processor_state_restored_records_total', help: 'Changelog records read while restoring state', registers }),
      restoreSeconds: new Gauge({ name: 'processor_state_restore_seconds', help: 'Duration of the last state restore', registers }),
    };
    new Gauge({ name: 'processor_open_windows', help: 'Open windows held in memory', registers, collect() { this.set(sum((task) => task.windows.openWindowCount)); } });
    new Gauge({ name: 'processor_monitored_sensors', help: 'Sensors with detector state in memory', registers, collect() { this.set(sum((task) => task.monitors.sensorCount)); } });
    new Gauge({ name: 'processor_assigned_partitions', help: 'Input partitions this instance owns', registers, collect() { this.set(tasks.size); } });
  }

  async start(): Promise<void> {
    const { consumer, registryUrl, kafka } = this.deps;
    this.schemaIds.windowKey = await registerSchema(registryUrl, this.topics.windowCounts, 'key', AVRO_SCHEMAS.windowCountKey);
    this.schemaIds.windowValue = await registerSchema(registryUrl, this.topics.windowCounts, 'value', AVRO_SCHEMAS.windowCount);
    this.schemaIds.alertKey = await registerSchema(registryUrl, this.topics.alerts, 'key', AVRO_SCHEMAS.alertKey);
    this.schemaIds.alertValue = await registerSchema(registryUrl, this.topics.alerts, 'value', AVRO_SCHEMAS.alert);
    await registerSchema(registryUrl, this.topics.alertAcks, 'value', AVRO_SCHEMAS.alertAck);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await this.ensureChangelogTopic(admin);
    } finally {
      await admin.disconnect();
    }
    // The whole registry before the first reading, so no reading is judged by stale thresholds.
    await this.devices.start((sensorId) => this.onDeviceChange(sensorId));

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = payload.memberAssignment[this.topics.readings] ?? [];
      // A failure surfaces again in the next batch, which awaits the same promise.
      this.reassign().catch((error: unknown) => this.deps.logger.error({ err: error }, 'restoring assigned partitions failed'));
    });
    await consumer.subscribe({ topics: [this.topics.readings, this.topics.alertAcks], fromBeginning: true });
    await consumer.run({
      autoCommit: false, // offsets are committed inside each transaction
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        await this.assignment;
        // A task dropped after a failed transaction is rebuilt from the changelog.
        if (!this.tasks.has(batch.partition) && this.assigned.includes(batch.partition)) await this.reassign();
        const task = this.tasks.get(batch.partition);
        if (!task || !isRunning() || isStale() || batch.messages.length === 0) return;
        try {
          const role: InputRole = batch.topic === this.topics.alertAcks ? 'alertAcks' : 'readings';
          await this.serialize(task, () => this.processBatch(task, role, batch.messages, heartbeat));
        } catch (error) {
          await this.abandon(task, error);
          return; // not resolved: the seek decides where consumption resumes
        }
        if (isStale()) return;
        // Only moves kafkajs's fetch position; the offset itself is committed by the transaction.
        resolveOffset(batch.lastOffset());
        if (batch.topic !== this.topics.readings) return;
        const lag = Number(batch.offsetLag());
        task.caughtUp = lag === 0;
        this.metrics.lag.set({ partition: String(batch.partition) }, lag);
        await heartbeat();
      },
    });
    this.ticker = setInterval(() => this.onTick(), Math.min(this.deps.commitIntervalMs, WALL_CLOCK_TICK_MS));
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    await this.deps.consumer.disconnect();
    await this.assignment.catch(() => undefined);
    // Commit what was processed, so a restart does not redo it (it would be exact either way).
    await Promise.all([...this.tasks.values()].map((task) => this.serialize(task, () => this.commit(task, Date.now())).catch(() => undefined)));
    await Promise.all([...this.tasks.values()].map((task) => this.closeTask(task)));
    await this.devices.stop();
  }

  /** A device changed in the registry: the task holding the sensor applies it in its next transaction. */
  private onDeviceChange(sensorId: string): void {
    const now = Date.now();
    for (const task of this.tasks.values()) {
      this.serialize(task, async () => task.monitors.deviceChanged(sensorId, now)).catch((error: unknown) => this.abandon(task, error));
    }
  }

  private onTick(): void {
    const now = Date.now();
    for (const task of this.tasks.values()) {
      this.serialize(task, async () => {
        if (task.caughtUp && now - task.lastWallClockTick >= WALL_CLOCK_TICK_MS) {
          task.lastWallClockTick = now;
          task.windows.tick(now);
          task.monitors.tick(now);
        }
        if (now - task.lastCommitAt >= this.deps.commitIntervalMs) await this.commit(task, now);
      }).catch((error: unknown) => this.abandon(task, error));
    }
  }

  private async ensureChangelogTopic(admin: Admin): Promise<void> {
    const [input] = (await admin.fetchTopicMetadata({ topics: [this.topics.readings] })).topics;
    const partitions = input?.partitions.length ?? 0;
    if (partitions === 0) throw new Error(`input topic ${this.topics.readings} has no partitions (was the stack provisioned?)`);
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
    this.deps.logger.info({ topic: this.changelogTopic, partitions }, 'created the state changelog topic');
  }

  private reassign(): Promise<void> {
    this.assignment = this.assignment.catch(() => undefined).then(() => this.assign(this.assigned));
    return this.assignment;
  }

  /** Drops tasks no longer assigned (their uncommitted work is redone by the new owner), opens the new ones. */
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
    // Fence first: once our producers hold the transactional ids, no zombie can commit state or
    // offsets for these partitions, so the changelog and committed offsets read next are final.
    const producers = await Promise.all(added.map((partition) => this.openProducer(partition)));
    const [restored, positions] = await Promise.all([
      restorePartitions(this.deps.kafka, this.changelogTopic, added),
      this.committedPositions(added),
    ]).catch(async (error: unknown) => {
      // The next batch for these partitions tries again; these producers are not kept.
      await Promise.all(producers.map((producer) => producer.disconnect().catch(() => undefined)));
      throw error;
    });
    added.forEach((partition, i) => {
      const windows = new PartitionWindows(this.deps.rules);
      const monitors = new PartitionMonitors(this.deps.alertRules, (sensorId) => this.devices.get(sensorId));
      const state = restored.get(partition);
      if (state) {
        windows.restore(state.windows.values(), state.streamTime, Date.now());
        monitors.restore(state.sensors.values());
        // Devices disabled while no one owned the partition.
        for (const sensorId of state.sensors.keys()) monitors.deviceChanged(sensorId, Date.now());
      }
      const { position, caughtUp } = positions.get(partition)!;
      this.tasks.set(partition, {
        partition, windows, monitors, producer: producers[i]!, position, committedPosition: { ...position }, caughtUp,
        deadLetters: [], lateReadings: [], lastCommitAt: Date.now(), lastWallClockTick: 0, serial: Promise.resolve(),
      });
    });
    const records = [...restored.values()].reduce((total, state) => total + state.records, 0);
    const seconds = (Date.now() - started) / 1000;
    this.metrics.restoredRecords.inc(records);
    this.metrics.restoreSeconds.set(seconds);
    this.deps.logger.info({ partitions: added, restoredRecords: records, seconds, assigned: [...wanted] }, 'partitions restored and assigned');
  }

  private async openProducer(partition: number): Promise<Producer> {
    const producer = this.deps.kafka.producer({
      transactionalId: `${this.deps.applicationId}-${this.topics.readings}-${partition}`,
      createPartitioner: Partitioners.DefaultPartitioner, // murmur2, as Java clients place keys
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
    });
    await producer.connect(); // initialises the transactional id: fences any zombie holding it
    return producer;
  }

  /**
   * Per partition and input: the committed offset (where the committed state ends), and whether
   * the readings partition has a backlog behind it.
   */
  private async committedPositions(partitions: readonly number[]): Promise<Map<number, { position: Positions; caughtUp: boolean }>> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: this.deps.applicationId, topics: INPUTS.map((role) => this.topics[role]) });
      const positionsOf = async (role: InputRole) => {
        const topic = this.topics[role];
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high, low }) => [partition, { high: Number(high), low: Number(low) }]));
        const offsets = new Map((committed.find((entry) => entry.topic === topic)?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
        return new Map(partitions.map((partition) => {
          const end = ends.get(partition) ?? { high: 0, low: 0 };
          const next = offsets.get(partition) ?? -1;
          // -1: nothing committed yet, so consumption starts at the low watermark.
          return [partition, { position: next < 0 ? end.low : next, high: end.high }];
        }));
      };
      const readings = await positionsOf('readings');
      const acks = await positionsOf('alertAcks');
      return new Map(partitions.map((partition) => {
        const reading = readings.get(partition)!;
        return [partition, { position: { readings: reading.position, alertAcks: acks.get(partition)!.position }, caughtUp: reading.position >= reading.high }];
      }));
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

  private async processBatch(task: PartitionTask, role: InputRole, messages: readonly KafkaMessage[], heartbeat: () => Promise<void>): Promise<void> {
    let sinceHeartbeat = 0;
    for (const message of messages) {
      const offset = Number(message.offset);
      if (offset < task.position[role]) continue; // already in the state: redelivered after a rebalance
      task.position[role] = offset + 1;
      if (role === 'readings') {
        this.metrics.consumed.inc();
        await this.consume(task, message);
      } else {
        await this.applyAck(task, message);
      }
      if (++sinceHeartbeat >= HEARTBEAT_EVERY) {
        sinceHeartbeat = 0;
        await heartbeat();
      }
    }
    const now = Date.now();
    if (now - task.lastCommitAt >= this.deps.commitIntervalMs) await this.commit(task, now);
  }

  private async consume(task: PartitionTask, message: KafkaMessage): Promise<void> {
    const now = Date.now();
    const decoded = await decodeReading(this.deps.registry, message, now);
    if (!decoded.ok) {
      task.deadLetters.push(this.deadLetter(task.partition, message, decoded.rejection, this.topics.readings));
      this.metrics.deadLettered.inc({ kind: decoded.rejection.kind });
      return;
    }
    const { reading } = decoded;
    const result = task.windows.add(reading, now);
    if (result.kind === 'late') {
      const reason = `window ${new Date(result.windowStart).toISOString()} closed: stream time ${new Date(result.streamTime).toISOString()} passed its end + grace ${this.deps.rules.graceMs} ms`;
      task.lateReadings.push(withSource('late', this.topics.readings, task.partition, message, { 'late.reason': reason, 'late.window-start': String(result.windowStart), 'late.stream-time': String(result.streamTime) }));
      this.metrics.late.inc();
      return;
    }
    task.monitors.observe(reading);
    this.metrics.processed.inc();
    if (!this.devices.get(reading.sensorId)) this.metrics.unknownDevice.inc();
  }

  /** An acknowledgement for an alert this partition holds; a bad ack record goes to the DLQ like a bad reading. */
  private async applyAck(task: PartitionTask, message: KafkaMessage): Promise<void> {
    const decoded = await decodeAlertAck(this.deps.registry, message);
    if (!decoded.ok) {
      task.deadLetters.push(this.deadLetter(task.partition, message, decoded.rejection, this.topics.alertAcks));
      this.metrics.acks.inc({ result: 'dead-lettered' });
      return;
    }
    const { sensorId, rule, ack } = decoded;
    const acknowledged = task.monitors.acknowledge({ sensorId, rule }, ack.alertId, ack.acknowledgedBy, Date.now());
    this.metrics.acks.inc({ result: acknowledged ? 'acknowledged' : 'ignored' });
    this.deps.logger.info({ alertId: ack.alertId, by: ack.acknowledgedBy, acknowledged }, acknowledged ? 'alert acknowledged' : 'acknowledgement ignored: no such open alert');
  }

  /** The DLQ record: `kind` is a fixed category (a metric label), `reason` the full text for people. */
  private deadLetter(partition: number, message: KafkaMessage, { kind, reason }: Rejection, sourceTopic: string): Message {
    // Debug, not warn: a burst of bad input must not flood the log; the DLQ topic and the metric carry it.
    this.deps.logger.debug({ partition, offset: message.offset, kind, reason }, 'record sent to the DLQ');
    return withSource('dlq', sourceTopic, partition, message, { 'dlq.kind': kind, 'dlq.reason': reason });
  }

  /**
   * After a failed batch or transaction the in-memory state is ahead of what Kafka holds: the
   * task is dropped and the consumer seeks back to the committed position, so the next batch
   * rebuilds the partition from its changelog. A fenced producer (another instance owns the
   * partition now) ends up the same way; the rebalance then takes the partition away.
   */
  private async abandon(task: PartitionTask, error: unknown): Promise<void> {
    if (this.tasks.get(task.partition) !== task) return;
    this.tasks.delete(task.partition);
    this.deps.logger.warn({ err: error, partition: task.partition, committedPosition: task.committedPosition }, 'partition failed: rebuilding it from its changelog');
    if (this.assigned.includes(task.partition)) {
      for (const role of INPUTS) this.deps.consumer.seek({ topic: this.topics[role], partition: task.partition, offset: String(task.committedPosition[role]) });
    }
    await task.producer.disconnect().catch(() => undefined);
    await sleep(ABANDON_BACKOFF_MS); // a broken dependency (registry, broker) must not turn into a hot restore loop
  }

  /** Commits the partition's work since the last commit in one transaction. */
  private async commit(task: PartitionTask, now: number): Promise<void> {
    task.lastCommitAt = now;
    const windows = task.windows.flush(now);
    const monitors = task.monitors.flush();
    const deadLetters = task.deadLetters;
    const lateReadings = task.lateReadings;
    task.deadLetters = [];
    task.lateReadings = [];
    const moved = INPUTS.filter((role) => task.position[role] !== task.committedPosition[role]);
    const work = [windows.emit, windows.changed, monitors.alerts, monitors.changed, deadLetters, lateReadings, moved];
    if (work.every((list) => list.length === 0)) return;

    const { registry } = this.deps;
    const ids = this.schemaIds;
    const timer = this.metrics.commitSeconds.startTimer();
    try {
      const windowRecords = await Promise.all(
        windows.emit.map(async (window): Promise<Message> => ({
          key: await registry.encode(ids.windowKey, { sensorId: window.sensorId, windowStart: window.windowStart }),
          value: await registry.encode(ids.windowValue, window),
          headers: window.final ? {} : { [WINDOW_UPDATE_HEADER]: 'true' },
        })),
      );
      const alertRecords = await Promise.all(
        monitors.alerts.map(async ({ key, value }): Promise<Message> => ({
          key: await registry.encode(ids.alertKey, key),
          value: value === null ? null : await registry.encode(ids.alertValue, value),
        })),
      );
      const changelog = [
        ...windows.changed.map(windowChangelogRecord),
        ...monitors.changed.map(({ sensorId, state }) => sensorChangelogRecord(sensorId, state)),
        streamTimeChangelogRecord(task.windows.currentStreamTime),
      ].map((record) => ({ ...record, partition: task.partition }));

      const transaction = await task.producer.transaction();
      try {
        const sends: Array<[string, Message[]]> = [
          [this.topics.windowCounts, windowRecords],
          [this.topics.alerts, alertRecords],
          [this.topics.deadLetters, deadLetters],
          [this.topics.lateReadings, lateReadings],
          [this.changelogTopic, changelog],
        ];
        for (const [topic, messages] of sends) {
          for (const chunk of chunksBySize(messages)) await transaction.send({ topic, acks: -1, messages: chunk });
        }
        if (moved.length > 0) {
          await transaction.sendOffsets({
            consumerGroupId: this.deps.applicationId,
            topics: moved.map((role) => ({ topic: this.topics[role], partitions: [{ partition: task.partition, offset: String(task.position[role]) }] })),
          });
        }
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    } finally {
      timer();
    }
    task.committedPosition = { ...task.position };
    for (const window of windows.emit) this.metrics.windowRecords.inc({ kind: window.final ? 'final' : 'update' });
    for (const alert of monitors.alerts) this.metrics.alertRecords.inc({ state: alert.value?.state ?? 'tombstone' });
  }
}

/** Bytes per send: kafkajs puts one send's records for a partition into one batch, and the broker refuses batches over max.message.bytes (1 MiB by default). */
const MAX_SEND_BYTES = 512 * 1024;

function sizeOf(message: Message): number {
  const bytes = (value: Buffer | string | null | undefined) => (value == null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length);
  let size = 64 + bytes(message.key as Buffer | string | null) + bytes(message.value as Buffer | string | null); // 64: record overhead
  for (const [name, value] of Object.entries(message.headers ?? {})) size += Buffer.byteLength(name) + bytes(value as Buffer | string | undefined);
  return size;
}

/** Splits a burst (a backlog replayed, thousands of sensors changed) into sends the broker accepts. */
export function chunksBySize(messages: readonly Message[], maxBytes = MAX_SEND_BYTES): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length > 0 && currentBytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The original record (key, value, timestamp, headers) plus `headers` and `<prefix>.source.*` naming where it came from. */
function withSource(prefix: 'dlq' | 'late', topic: string, partition: number, message: KafkaMessage, headers: IHeaders): Message {
  return {
    key: message.key,
    value: message.value,
    timestamp: message.timestamp,
    headers: {
      ...message.headers,
      ...headers,
      [`${prefix}.source.topic`]: topic,
      [`${prefix}.source.partition`]: String(partition),
      [`${prefix}.source.offset`]: message.offset,
    },
  };
}
