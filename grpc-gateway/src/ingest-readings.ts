import { status, type ServiceError } from '@grpc/grpc-js';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { Counter, type Registry } from 'prom-client';
import { AVRO_SCHEMAS, SENSOR_READINGS_TOPIC, invalidReading, type SensorReading } from '@iot/contracts';
import type { IngestReadingsRequest__Output, IngestReadingsResponse, IngestRejection, PipelineServiceHandlers } from '@iot/contracts/grpc';
import { connectIdempotentProducer, registerSchema, type createRegistry, type Logger } from '@iot/runtime';

/** The schema registry client (@kafkajs/confluent-schema-registry), as @iot/runtime creates it. */
type SchemaRegistry = ReturnType<typeof createRegistry>;

/** Valid readings are produced in batches of at most this many (and at the end of the stream). */
export const DEFAULT_MAX_BATCH = 500;
/** The answer lists at most this many rejections (`rejections_truncated` says when there were more). */
export const MAX_REPORTED_REJECTIONS = 100;
/** sensor_id, sensor_type, site_id and unit are at most this many characters. */
export const MAX_FIELD_LENGTH = 128;

export interface IngestReadingsDeps {
  /** Produces the readings; resolves once Kafka has acknowledged all of them (see createReadingSender). */
  readonly send: (readings: SensorReading[]) => Promise<void>;
  readonly logger: Logger;
  /** Readings per send, at most; default 500. */
  readonly maxBatch?: number;
  /** When given, counts readings in gateway_ingest_readings_total{result="accepted"|"rejected"|"failed"}. */
  readonly metrics?: Registry;
  /** The clock the timestamp checks use (tests); default Date.now. */
  readonly now?: () => number;
}

export type CheckedReading = { ok: true; reading: SensorReading } | { ok: false; sensorId: string; reason: string };

const PROTO_FIELDS = [
  ['sensor_id', 'sensorId'],
  ['sensor_type', 'sensorType'],
  ['site_id', 'siteId'],
  ['unit', 'unit'],
] as const;

/** Whether a string has more than `MAX_FIELD_LENGTH` characters (code points, not UTF-16 units). */
const tooLong = (value: string) => value.length > MAX_FIELD_LENGTH && [...value].length > MAX_FIELD_LENGTH;

/** A sensor id as echoed in a rejection: cut short, since it may be what was wrong. */
const echoId = (sensorId: string) => (tooLong(sensorId) ? `${[...sensorId].slice(0, MAX_FIELD_LENGTH).join('')}…` : sensorId);

/**
 * Checks one IngestReadings message: a reading is present; sensor_id, sensor_type, site_id and
 * unit are non-empty and at most 128 characters; and the reading passes the rules every reading
 * on iot.sensor-readings must pass (`invalidReading`, shared with the stream processor).
 */
export function checkIngestReading(request: IngestReadingsRequest__Output, now: number): CheckedReading {
  const message = request.reading;
  if (!message) return { ok: false, sensorId: '', reason: 'reading is missing' };
  const sensorId = echoId(typeof message.sensorId === 'string' ? message.sensorId : '');
  for (const [protoName, field] of PROTO_FIELDS) {
    const value = message[field];
    if (typeof value !== 'string' || value.trim() === '') return { ok: false, sensorId, reason: `${protoName} is empty` };
    if (tooLong(value)) return { ok: false, sensorId, reason: `${protoName} is longer than ${MAX_FIELD_LENGTH} characters (${[...value].length})` };
  }
  const reading: SensorReading = {
    sensorId: message.sensorId,
    sensorType: message.sensorType,
    siteId: message.siteId,
    timestamp: message.timestampMs,
    value: message.value,
    unit: message.unit,
  };
  const invalid = invalidReading(reading, now);
  return invalid ? { ok: false, sensorId, reason: invalid.reason } : { ok: true, reading };
}

const COUNTER_NAME = 'gateway_ingest_readings_total';

function ingestCounter(metrics: Registry | undefined): Counter<'result'> | undefined {
  if (!metrics) return undefined;
  const existing = metrics.getSingleMetric(COUNTER_NAME);
  if (existing) return existing as Counter<'result'>;
  return new Counter({
    name: COUNTER_NAME,
    help: 'Readings received by IngestReadings, by result: accepted (acknowledged by Kafka), rejected (invalid), failed (in a batch Kafka did not acknowledge)',
    labelNames: ['result'],
    registers: [metrics],
  });
}

const deadlineMs = (deadline: Date | number): number => (deadline instanceof Date ? deadline.getTime() : deadline);
/** setTimeout's limit; a deadline further away than this is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Serves IngestReadings (client streaming). Each message is checked (`checkIngestReading`); valid
 * readings are collected and sent `maxBatch` at a time, and the rest when the client half-closes.
 * While a batch is being sent the call is paused, so a fast client waits for Kafka rather than
 * filling the gateway's memory. Once every batch is acknowledged the answer counts accepted and
 * rejected readings and lists the first 100 rejections. A failed send ends the call with
 * UNAVAILABLE saying how many readings were accepted before it; a cancelled call stops (and is
 * logged); past the call's deadline it ends with DEADLINE_EXCEEDED.
 */
export function ingestReadingsHandler(deps: IngestReadingsDeps): PipelineServiceHandlers['IngestReadings'] {
  const maxBatch = deps.maxBatch ?? DEFAULT_MAX_BATCH;
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new Error(`ingestReadingsHandler: maxBatch must be a positive integer, got ${maxBatch}`);
  const now = deps.now ?? Date.now;
  const counter = ingestCounter(deps.metrics);

  return (call, callback) => {
    const started = Date.now();
    const logger = deps.logger.child({ method: 'IngestReadings', peer: call.getPeer() });
    if (call.cancelled) {
      logger.info('IngestReadings cancelled by the client before it started');
      return;
    }
    let received = 0;
    let accepted = 0;
    let rejected = 0;
    const rejections: IngestRejection[] = [];
    let batch: SensorReading[] = [];
    /** Readings being sent now (0: no send in flight). */
    let inFlight = 0;
    let halfClosed = false;
    let done = false;

    const deadline = deadlineMs(call.getDeadline());
    const remaining = deadline - Date.now();
    const deadlineTimer =
      Number.isFinite(remaining) && remaining <= MAX_TIMER_MS
        ? setTimeout(() => {
            if (done) return;
            logger.warn({ accepted, rejected, inFlight }, 'IngestReadings deadline exceeded');
            finish({ code: status.DEADLINE_EXCEEDED, details: `deadline exceeded: ${accepted} readings accepted${inFlight > 0 ? `, ${inFlight} being written (they may or may not be in Kafka)` : ''}` });
          }, Math.max(0, remaining))
        : undefined;

    function finish(error: Partial<ServiceError> | null, response?: IngestReadingsResponse): void {
      if (done) return;
      done = true;
      clearTimeout(deadlineTimer);
      if (error) callback(error);
      else callback(null, response);
    }

    function answer(): void {
      logger.info({ accepted, rejected, durationMs: Date.now() - started }, 'IngestReadings done');
      finish(null, { accepted, rejected, rejections, rejectionsTruncated: rejected > rejections.length });
    }

    /** Sends the collected readings, pausing the call meanwhile; answers when the stream is over. */
    function flush(): void {
      if (done || inFlight > 0) return;
      if (batch.length === 0) {
        if (halfClosed) answer();
        return;
      }
      const readings = batch.length > maxBatch ? batch.splice(0, maxBatch) : batch;
      if (readings === batch) batch = [];
      inFlight = readings.length;
      call.pause();
      const sent = () => {
        inFlight = 0;
        accepted += readings.length;
        counter?.inc({ result: 'accepted' }, readings.length);
        if (done) {
          logger.info({ written: readings.length, accepted }, 'IngestReadings: a batch of a call that has ended was written');
          return;
        }
        if (halfClosed || batch.length >= maxBatch) flush();
        else call.resume();
      };
      const failed = (error: unknown) => {
        inFlight = 0;
        counter?.inc({ result: 'failed' }, readings.length);
        logger.error({ err: error, accepted, failed: readings.length }, 'IngestReadings: producing readings failed');
        finish({
          code: status.UNAVAILABLE,
          details: `writing readings to ${SENSOR_READINGS_TOPIC} failed after ${accepted} readings were accepted (the failed batch of ${readings.length} may be partly written): ${error instanceof Error ? error.message : String(error)}`,
        });
      };
      // Through a promise even if `send` throws synchronously.
      Promise.resolve()
        .then(() => deps.send(readings))
        .then(sent, failed);
    }

    call.on('data', (request: IngestReadingsRequest__Output) => {
      if (done) return;
      const index = received++;
      const checked = checkIngestReading(request, now());
      if (checked.ok) {
        batch.push(checked.reading);
        if (batch.length >= maxBatch) flush();
        return;
      }
      rejected += 1;
      counter?.inc({ result: 'rejected' });
      if (rejections.length < MAX_REPORTED_REJECTIONS) rejections.push({ index, sensorId: checked.sensorId, reason: checked.reason });
    });
    call.on('end', () => {
      halfClosed = true;
      flush();
    });
    call.on('cancelled', () => {
      if (done) return; // the gateway itself ended the call
      done = true;
      clearTimeout(deadlineTimer);
      const fields = { received, accepted, rejected, inFlight, durationMs: Date.now() - started };
      if (Date.now() >= deadline) logger.warn(fields, 'IngestReadings deadline exceeded');
      else logger.info(fields, 'IngestReadings cancelled by the client');
    });
  };
}

export interface ReadingSender {
  /** Produces the readings to iot.sensor-readings; resolves once Kafka has acknowledged them all (acks=all). */
  send(readings: SensorReading[]): Promise<void>;
  /** Disconnects the producer, if it was connected; later sends fail. */
  close(): Promise<void>;
}

export interface ReadingSenderOptions {
  /**
   * A send that Kafka has not acknowledged after this long fails (the idempotent producer retries
   * without end, so without a limit a broker outage would hold calls open); default 30 s.
   */
  readonly sendTimeoutMs?: number;
}

/** Records per producer.send at most, as in the simulator. */
const MAX_SEND = 2000;

/**
 * Produces readings exactly as the simulator does: the contract's key and value schemas registered
 * under iot.sensor-readings-key / -value, Confluent-framed Avro from the schema registry client,
 * key = sensorId, record timestamp = the reading's, gzip, acks=all, on the idempotent producer
 * with the murmur2 partitioner (`connectIdempotentProducer`). The schemas and the producer are
 * set up at the first send (and again after a failed set-up), so the gateway starts without them.
 */
export function createReadingSender(kafka: Kafka, registry: SchemaRegistry, registryUrl: string, options: ReadingSenderOptions = {}): ReadingSender {
  const sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
  let setup: Promise<{ producer: Producer; keyId: number; valueId: number }> | undefined;
  let closed = false;

  const ready = () => {
    setup ??= (async () => {
      const keyId = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
      const valueId = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'value', AVRO_SCHEMAS.sensorReading);
      // Fetched once here, then cached by the client: encoding never calls the registry again.
      await registry.getSchema(keyId);
      await registry.getSchema(valueId);
      return { producer: await connectIdempotentProducer(kafka), keyId, valueId };
    })().catch((error: unknown) => {
      setup = undefined;
      throw error;
    });
    return setup;
  };

  const produce = async (readings: SensorReading[]): Promise<void> => {
    const { producer, keyId, valueId } = await ready();
    for (let from = 0; from < readings.length; from += MAX_SEND) {
      const messages = await Promise.all(
        readings.slice(from, from + MAX_SEND).map(async (reading) => ({
          key: await registry.encode(keyId, reading.sensorId),
          value: await registry.encode(valueId, reading),
          timestamp: String(reading.timestamp),
        })),
      );
      await producer.send({ topic: SENSOR_READINGS_TOPIC, acks: -1, compression: CompressionTypes.GZIP, messages });
    }
  };

  return {
    async send(readings) {
      if (closed) throw new Error('the reading sender is closed (the gateway is shutting down)');
      if (readings.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge the readings within ${sendTimeoutMs} ms`)), sendTimeoutMs);
      });
      try {
        await Promise.race([produce(readings), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      const current = setup;
      setup = undefined;
      if (!current) return;
      const connected = await current.catch(() => undefined);
      await connected?.producer.disconnect();
    },
  };
}
