import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CompressionTypes, type Admin, type Kafka } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AVRO_SCHEMAS, type SensorReading } from '@iot/contracts';
import { SENSOR_TYPES, type Sensor, type SensorType } from '@iot/producers/src/fleet.ts';
import { seededRandom, sensorValue } from '@iot/producers/src/signal.ts';
import { connectIdempotentProducer, registerSchema } from '@iot/runtime';
import { DEFAULT_ALERT_RULES } from '@iot/stream-processor/alert-rules';
import type { ProcessorTopics } from '@iot/stream-processor/processor';
import { createTopicLike } from './kafka-tools.ts';
import type { Resources } from './support.ts';

/**
 * The pre-filled input that the throughput, ceiling, kafka-streams and scaling benchmarks all
 * read: filled ONCE per run, then each consumer reads all of it in its own group, into its own
 * output topics.
 */

export interface InputOptions {
  readonly runId: string;
  readonly readings: number;
  readonly sensors: number;
  /** Event time between consecutive readings of the fleet. */
  readonly spacingMs: number;
  readonly registryUrl: string;
  readonly signal: AbortSignal;
  readonly progress: (line: string) => void;
}

/** What the results JSON records about the input. */
export interface InputFill {
  /** The input topic (`bench.<runid>.sensor-readings`, 6 partitions like iot.sensor-readings). */
  topic: string;
  readings: number;
  sensors: number;
  partitions: number;
  spacingMs: number;
  /** Records per partition (murmur2 of the sensor id), partition 0 first. */
  endOffsets: number[];
  /** Readings outside their band, in runs of FAULT_LENGTH (RANGE alerts open and clear). */
  faultReadings: number;
  /** Event time covered: readings × spacing. */
  eventTimeSpanSeconds: number;
  /** The first reading's timestamp (a whole minute), and the last one's: FUTURE_MARGIN_MS (60-61 min) ahead of the fill's wall clock. */
  firstTimestamp: number;
  lastTimestamp: number;
  /** Average uncompressed bytes of one record as written (registry framing + Avro): key, value, both. */
  keyBytes: number;
  valueBytes: number;
  recordBytes: number;
  /**
   * sha256 of every reading's sensor id, offset in event time from the first reading, and value:
   * the same for every run with the same --readings, --sensors and spacing (the content is fixed;
   * only the timestamps move, by whole minutes).
   */
  contentSha256: string;
  /** Pre-filling (not part of any measurement). */
  seconds: number;
  readingsPerSecond: number;
}

export interface BenchInput {
  readonly topics: Pick<ProcessorTopics, 'readings' | 'alertAcks' | 'devices'>;
  /** End offset per partition. */
  readonly ends: ReadonlyMap<number, number>;
  readonly fill: InputFill;
}

const PRODUCE_BATCH = 1000;
/**
 * The last reading is stamped this far ahead of the wall clock. Once the wall clock passes the
 * data's end, a caught-up processor moves an idle partition's stream time by the wall clock (so it
 * closes the last windows) and the SILENCE detector sees every sensor go silent: effects the data
 * did not cause. The input serves the whole suite (about 20 min), hence an hour.
 */
export const FUTURE_MARGIN_MS = 60 * 60_000;
/**
 * Output topics keep the contract's configs, but compaction must not remove records before the
 * run reads them back: the processor stamps its records with event time, which starts hours in
 * the past at 2,000,000 readings (333 min of event time), so the contract's 60 s lag would let
 * the cleaner drop superseded alert records of the first hours during the run.
 */
export const BENCH_COMPACTION_OVERRIDES: Readonly<Record<string, string>> = { 'min.compaction.lag.ms': String(30 * 24 * 3600 * 1000) };
const PROGRESS_EVERY_MS = 5000;
/** The noise's seed. */
const NOISE_SEED = 42;
/**
 * The signal model (daily cycle, weather) is evaluated at VALUE_EPOCH + the reading's offset, not
 * at its timestamp: the values are the same in every run although the timestamps follow the clock.
 */
const VALUE_EPOCH = Date.UTC(2026, 0, 1);
/** Every FAULT_SENSOR_STRIDE-th sensor of the fleet has a fault every FAULT_PERIOD of its readings, FAULT_LENGTH readings long. */
const FAULT_SENSOR_STRIDE = 20;
const FAULT_PERIOD = 30;
const FAULT_LENGTH = 4;
/**
 * How far outside the band a fault starts, as a fraction of the band, by episode: a WARNING, one
 * that escalates to CRITICAL while open (past `criticalBeyond` 0.1 at its 4th reading), a CRITICAL.
 * Each reading of an episode goes 0.015 further, so the peak moves too.
 */
const FAULT_EXCESS = [0.03, 0.07, 0.2] as const;

/** A fleet like the demo's (every type at every site), `count` sensors over 10 sites. */
export function benchFleet(count: number): Sensor[] {
  const types = Object.keys(SENSOR_TYPES) as SensorType[];
  return Array.from({ length: count }, (_, i) => {
    const type = types[i % types.length]!;
    return { id: `bench-sensor-${String(i).padStart(5, '0')}`, type, siteId: `bench-site-${i % 10}`, unit: SENSOR_TYPES[type].unit };
  });
}

/**
 * A fault value for the k-th reading of the sensor at `index`, or undefined for a normal one:
 * above the band, then below, then above... by episode. Starts are staggered across sensors.
 */
function faultValue(sensor: Sensor, index: number, k: number): number | undefined {
  if (index % FAULT_SENSOR_STRIDE !== 0) return undefined;
  const position = k + index;
  const phase = position % FAULT_PERIOD;
  if (phase >= FAULT_LENGTH) return undefined;
  const episode = Math.floor(position / FAULT_PERIOD);
  const band = DEFAULT_ALERT_RULES.types[sensor.type]!;
  const excess = (FAULT_EXCESS[episode % FAULT_EXCESS.length]! + phase * 0.015) * (band.max - band.min);
  const value = Math.floor(episode / FAULT_EXCESS.length) % 2 === 0 ? band.max + excess : band.min - excess;
  return Math.round(value * 1000) / 1000;
}

/** The processor's topics for one consumer of the input: the shared inputs, and outputs named `bench.<name>.*`. */
export function processorTopics(input: BenchInput, name: string): ProcessorTopics {
  const prefix = `bench.${name}`;
  return {
    ...input.topics,
    windowCounts: `${prefix}.window-counts`,
    alerts: `${prefix}.alerts`,
    deadLetters: `${prefix}.dlq`,
    lateReadings: `${prefix}.late`,
  };
}

/** Creates a consumer's output topics like the contract topics they stand in for; everything is deleted at the end. */
export async function createOutputTopics(admin: Admin, topics: ProcessorTopics, resources: Resources): Promise<void> {
  const contractOf = [
    [topics.windowCounts, 'iot.window-counts-1m'],
    [topics.alerts, 'iot.alerts'],
    [topics.deadLetters, 'iot.sensor-readings.dlq'],
    [topics.lateReadings, 'iot.late-readings'],
  ] as const;
  for (const [topic, contract] of contractOf) await createTopicLike(admin, topic, contract, resources, BENCH_COMPACTION_OVERRIDES);
  resources.subjectTopics.add(topics.windowCounts);
  resources.subjectTopics.add(topics.alerts);
}

/**
 * Creates `bench.<runid>.sensor-readings` (+ the empty alert-acks and devices topics every
 * processor also reads) and fills it with `readings` readings of the fleet, round-robin,
 * `spacingMs` apart in event time, encoded as the simulator encodes them (registry framing,
 * subjects `<topic>-key|value`, gzip batches of 1,000, acks=all, idempotent murmur2-partitioned
 * producer). Values: the simulator's signal model with seeded noise, plus RANGE faults on every
 * 20th sensor. The first timestamp is a whole minute, so windows fall on the same readings in
 * every run, and the last is an hour ahead of the wall clock (FUTURE_MARGIN_MS).
 */
export async function prepareInput(harness: { kafka: Kafka; admin: Admin; registry: SchemaRegistry }, options: InputOptions, resources: Resources): Promise<BenchInput> {
  const { admin } = harness;
  const prefix = `bench.${options.runId}`;
  const topics = { readings: `${prefix}.sensor-readings`, alertAcks: `${prefix}.alert-acks`, devices: `${prefix}.devices` };
  const partitions = await createTopicLike(admin, topics.readings, 'iot.sensor-readings', resources);
  await createTopicLike(admin, topics.alertAcks, 'iot.alert-acks', resources);
  await createTopicLike(admin, topics.devices, 'iot.devices', resources);
  resources.subjectTopics.add(topics.readings);
  resources.subjectTopics.add(topics.alertAcks);
  options.progress(`input: filling ${topics.readings} with ${options.readings.toLocaleString('en-US')} readings from ${options.sensors.toLocaleString('en-US')} sensors (filled once, read by every benchmark of the run)`);

  const keyId = await registerSchema(options.registryUrl, topics.readings, 'key', AVRO_SCHEMAS.sensorIdKey);
  const valueId = await registerSchema(options.registryUrl, topics.readings, 'value', AVRO_SCHEMAS.sensorReading);
  const fleet = benchFleet(options.sensors);
  const random = seededRandom(NOISE_SEED);
  const firstTimestamp = Math.ceil((Date.now() + FUTURE_MARGIN_MS - options.readings * options.spacingMs) / 60_000) * 60_000;
  const digest = createHash('sha256');
  const producer = await connectIdempotentProducer(harness.kafka);
  const started = performance.now();
  let lastProgress = started;
  let faults = 0;
  let keyBytes = 0;
  let valueBytes = 0;
  try {
    // Encode the next batch while the previous one is on the wire (sends stay one at a time:
    // the idempotent producer keeps one request in flight).
    let inFlight: Promise<unknown> = Promise.resolve();
    for (let start = 0; start < options.readings; start += PRODUCE_BATCH) {
      options.signal.throwIfAborted();
      const end = Math.min(start + PRODUCE_BATCH, options.readings);
      const messages = [];
      for (let i = start; i < end; i += 1) {
        const index = i % fleet.length;
        const sensor = fleet[index]!;
        const offsetMs = i * options.spacingMs;
        const timestamp = firstTimestamp + offsetMs;
        const normal = sensorValue(sensor, VALUE_EPOCH + offsetMs, random); // drawn for every reading, so the noise stream does not depend on the faults
        const fault = faultValue(sensor, index, Math.floor(i / fleet.length));
        if (fault !== undefined) faults += 1;
        const reading: SensorReading = { sensorId: sensor.id, sensorType: sensor.type, siteId: sensor.siteId, timestamp, value: fault ?? normal, unit: sensor.unit };
        digest.update(`${reading.sensorId},${offsetMs},${reading.value}\n`);
        const key = await harness.registry.encode(keyId, reading.sensorId);
        const value = await harness.registry.encode(valueId, reading);
        keyBytes += key.length;
        valueBytes += value.length;
        messages.push({ key, value, timestamp: String(timestamp) });
      }
      await inFlight;
      inFlight = producer.send({ topic: topics.readings, acks: -1, compression: CompressionTypes.GZIP, messages });
      if (performance.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = performance.now();
        options.progress(`  filling: ${end.toLocaleString('en-US')} / ${options.readings.toLocaleString('en-US')} readings sent`);
      }
    }
    await inFlight;
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  const ends = new Map((await admin.fetchTopicOffsets(topics.readings)).map(({ partition, high }) => [partition, Number(high)]));
  const total = [...ends.values()].reduce((sum, high) => sum + high, 0);
  if (total !== options.readings) throw new Error(`the input topic ${topics.readings} holds ${total} records, expected ${options.readings}`);
  const endOffsets = [...ends.entries()].sort(([a], [b]) => a - b).map(([, high]) => high);
  options.progress(`  filled in ${seconds.toFixed(1)} s (${faults.toLocaleString('en-US')} readings outside their band); per partition: ${endOffsets.join(' ')}`);
  return {
    topics,
    ends,
    fill: {
      topic: topics.readings,
      readings: options.readings,
      sensors: options.sensors,
      partitions,
      spacingMs: options.spacingMs,
      endOffsets,
      faultReadings: faults,
      eventTimeSpanSeconds: (options.readings * options.spacingMs) / 1000,
      firstTimestamp,
      lastTimestamp: firstTimestamp + (options.readings - 1) * options.spacingMs,
      keyBytes: keyBytes / options.readings,
      valueBytes: valueBytes / options.readings,
      recordBytes: (keyBytes + valueBytes) / options.readings,
      contentSha256: digest.digest('hex'),
      seconds,
      readingsPerSecond: options.readings / seconds,
    },
  };
}
