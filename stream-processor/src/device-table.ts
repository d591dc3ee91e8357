import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Device } from '@iot/contracts';
import { CatchUp, type Logger } from '@iot/runtime';
import { decodeDevice } from './reading-decoder.ts';

const LOAD_TIMEOUT_MS = 120_000;

export interface DeviceTableDeps {
  readonly kafka: Kafka;
  readonly registry: SchemaRegistry;
  readonly topic: string;
  readonly logger: Logger;
  readonly metrics: Registry;
}

/**
 * The device registry (iot.devices, compacted, from the Postgres `devices` table by CDC) as a
 * table in memory, like a Kafka Streams GlobalKTable: every instance reads every partition from
 * the beginning, `start` returns once the records present at start-up are loaded, and the table
 * then follows new changes, telling `onChange` about each one.
 *
 * A record that is not a valid device is skipped, logged with its position and counted in
 * `processor_device_records_rejected_total`: the table keeps the device's previous row, and the
 * record itself stays in iot.devices (the devices table's constraints keep such rows out at
 * the source).
 */
export class DeviceTable {
  private readonly devices = new Map<string, Device>();
  private consumer: Consumer | undefined;
  private readonly groupId: string;
  private onChange: (sensorId: string) => void = () => undefined;
  private readonly rejected: Counter;

  constructor(private readonly deps: DeviceTableDeps) {
    // A throwaway group: it only exists because kafkajs cannot consume without one; nothing is committed.
    this.groupId = `${deps.topic}-table-${randomUUID()}`;
    const registers = [deps.metrics];
    this.rejected = new Counter({ name: 'processor_device_records_rejected_total', help: 'iot.devices records that are not valid devices, by kind', labelNames: ['kind'], registers });
    const devices = this.devices;
    new Gauge({ name: 'processor_devices', help: 'Devices in the registry table, by enabled flag', labelNames: ['enabled'], registers, collect() {
      let enabled = 0;
      for (const device of devices.values()) if (device.enabled) enabled += 1;
      this.set({ enabled: 'true' }, enabled);
      this.set({ enabled: 'false' }, devices.size - enabled);
    } });
  }

  get(sensorId: string): Device | undefined {
    return this.devices.get(sensorId);
  }

  get size(): number {
    return this.devices.size;
  }

  /** Loads the table to the end offsets it finds, then keeps following; `onChange` hears of each change after the load. */
  async start(onChange: (sensorId: string) => void): Promise<void> {
    const { kafka, topic, logger } = this.deps;
    const started = Date.now();
    const admin = kafka.admin();
    await admin.connect();
    let catchUp: CatchUp;
    try {
      const ends = await admin.fetchTopicOffsets(topic).catch((error: unknown) => {
        throw new Error(`cannot read the end offsets of ${topic} (was the stack provisioned?): ${(error as Error).message}`);
      });
      catchUp = new CatchUp(ends.map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) })));
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 500 });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => catchUp.consumed(payload.partition, Number(payload.lastOffset), Number(payload.offsetLag)));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const decoded = await decodeDevice(this.deps.registry, message);
        if (!decoded.ok) {
          this.rejected.inc({ kind: decoded.rejection.kind });
          logger.warn({ topic, partition, offset: message.offset, kind: decoded.rejection.kind, reason: decoded.rejection.reason }, 'skipping a device record that is not a valid device');
          return;
        }
        if (decoded.device) this.devices.set(decoded.sensorId, decoded.device);
        else this.devices.delete(decoded.sensorId);
        this.onChange(decoded.sensorId);
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`loading the device table from ${topic} did not finish in ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
    });
    await Promise.race([catchUp.ready, timeout]).finally(() => clearTimeout(timer));
    this.onChange = onChange;
    logger.info({ topic, devices: this.devices.size, seconds: (Date.now() - started) / 1000 }, 'device table loaded');
  }

  async stop(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.disconnect();
    const admin = this.deps.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
