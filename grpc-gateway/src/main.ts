import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import pg from 'pg';
import type { KafkaMessage } from 'kafkajs';
import { Counter, Gauge } from 'prom-client';
import {
  ALERTS_TOPIC,
  DEVICES_TOPIC,
  SENSOR_READINGS_TOPIC,
  WINDOW_COUNTS_TOPIC,
  type Alert,
  type AlertKey,
  type SensorReading,
  type WindowCount,
  type WindowCountKey,
  parseAlertId,
  subjectFor,
} from '@iot/contracts';
import { loadPipelineProto, type PipelineServiceHandlers } from '@iot/contracts/grpc';
import { createAlertAckWriter, createKafka, decodeFramedParts, createLogger, createMetrics, createRegistry, exitOnStartFailure, onShutdown, serveMetrics } from '@iot/runtime';
import { withAuth } from './auth.ts';
import { loadConfig } from './config.ts';
import { createReadingSender, ingestReadingsHandler } from './ingest-readings.ts';
import { startOffsetSampler } from './health/offset-sampler.ts';
import { createProbeKafka, getJson, openKafkaProbes } from './health/probes.ts';
import { addReflection } from './reflection.ts';
import { serverCredentials } from './server-credentials.ts';
import { alertKey, alertsFilter, alertsSpec } from './streams/alerts.ts';
import { readingsFilter, readingsSpec } from './streams/readings.ts';
import { validated } from './streams/request-filters.ts';
import { largestQueue, serveSubscription } from './streams/subscription.ts';
import { windowCountsFilter, windowCountsSpec, windowKey } from './streams/window-counts.ts';
import { followTopic, type FeedRecord } from './topic-feed.ts';
import { watchTopicRecency, type TopicWatch } from './topic-recency.ts';
import { ackAlertHandler } from './unary/ack-alert.ts';
import { getWindowCountsHandler } from './unary/get-window-counts.ts';
import { listSensorsHandler } from './unary/list-sensors.ts';
import { getPipelineHealthHandler, type WatchedTopic } from './unary/pipeline-health.ts';

const logger = createLogger('grpc-gateway');
const SERVICE_NAME = 'iot.v1.PipelineService';

async function main(): Promise<void> {
  const config = loadConfig();
  const credentials = serverCredentials({ certFile: config.GATEWAY_TLS_CERT_FILE, keyFile: config.GATEWAY_TLS_KEY_FILE });
  const metrics = createMetrics('grpc-gateway');
  const registry = createRegistry(config.SCHEMA_REGISTRY_URL);
  const kafka = createKafka('iot-grpc-gateway', config.KAFKA_BROKERS, logger);
  const resumeBuffer = config.RESUME_BUFFER_RECORDS;

  const skippedRecords = new Counter({ name: 'gateway_records_skipped_total', help: 'Records the gateway could not use (not schema-registry Avro it can decode, or no key), by topic', labelNames: ['topic'], registers: [metrics] });
  const feedOptions = { kafka, resumeBuffer, logger, onSkipped: (topic: string) => skippedRecords.inc({ topic }) };
  /** A compacted topic's record: registry-framed Avro key, and a value or a tombstone. */
  const keyedRecord = <K, V>(toKey: (key: K) => string) => async (message: KafkaMessage): Promise<FeedRecord<V>> => {
    if (!message.key) return { ok: false, reason: 'record has no key' };
    const decoded = await decodeFramedParts(registry, message.value ? [['key', message.key], ['value', message.value]] : [['key', message.key]]);
    if (!decoded.ok) return decoded;
    return { ok: true, key: toKey(decoded.values[0] as K), value: message.value ? (decoded.values[1] as V) : null };
  };

  // The topics' state, materialized (read_committed) so that a snapshot never reads Kafka from the start.
  const windowFeed = await followTopic<WindowCount>({
    ...feedOptions, topic: WINDOW_COUNTS_TOPIC, from: 'beginning',
    decode: keyedRecord<WindowCountKey, WindowCount>((key) => windowKey(key.sensorId, key.windowStart)),
  });
  const alertFeed = await followTopic<Alert>({
    ...feedOptions, topic: ALERTS_TOPIC, from: 'beginning',
    decode: keyedRecord<AlertKey, Alert>((key) => alertKey(key.sensorId, key.rule)),
  });
  const readingFeed = await followTopic<SensorReading>({
    ...feedOptions, topic: SENSOR_READINGS_TOPIC, from: { lastMs: config.READINGS_LOOKBACK_MINUTES * 60_000 },
    // Bad records are the stream processor's to dead-letter; here they are skipped (and counted).
    decode: async (message) => {
      if (!message.value) return { ok: false, reason: 'record has no value' };
      const decoded = await decodeFramedParts(registry, [['value', message.value]]);
      if (!decoded.ok) return decoded;
      const reading = decoded.values[0] as SensorReading;
      if (typeof reading.sensorId !== 'string') return { ok: false, reason: 'value is not a SensorReading (no sensorId)' };
      return { ok: true, key: reading.sensorId, value: reading };
    },
  });
  const feeds = [windowFeed, alertFeed, readingFeed];
  // Only for GetPipelineHealth's topic freshness: the gateway serves nothing from the devices topic.
  let devicesWatch: TopicWatch | undefined;
  let devicesWatchProblem: string | undefined;
  try {
    devicesWatch = await watchTopicRecency(kafka, DEVICES_TOPIC, logger);
  } catch (error) {
    devicesWatchProblem = (error as Error).message;
    logger.warn({ err: error, topic: DEVICES_TOPIC }, 'cannot watch the devices topic: its freshness is reported UNKNOWN');
  }
  const ready = Promise.all(feeds.map((feed) => feed.ready));
  const snapshotMs = config.SNAPSHOT_MINUTES * 60_000;
  const evictTimer = setInterval(() => windowFeed.state.evict((value) => value.windowEnd < Date.now() - snapshotMs), 60_000);

  new Gauge({ name: 'gateway_subscribers', help: 'Open server-streaming calls, by topic', labelNames: ['topic'], registers: [metrics], collect() {
    for (const feed of feeds) this.set({ topic: feed.state.topic }, feed.state.subscriberCount);
  } });
  new Gauge({ name: 'gateway_subscriber_queue_largest', help: 'Messages waiting for the slowest subscriber (window counts: one per window at most)', registers: [metrics], collect() {
    this.set(largestQueue());
  } });
  new Gauge({ name: 'gateway_records_held', help: 'Latest values held for snapshots, by topic', labelNames: ['topic'], registers: [metrics], collect() {
    for (const feed of feeds) this.set({ topic: feed.state.topic }, feed.state.size);
  } });

  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 10 });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres connection failed'));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 5 } });
  await producer.connect();
  const writeAck = createAlertAckWriter(producer, registry, config.SCHEMA_REGISTRY_URL);
  const readingSender = createReadingSender(kafka, registry, config.SCHEMA_REGISTRY_URL);

  const probeKafka = createProbeKafka(config.KAFKA_BROKERS, config.HEALTH_PROBE_TIMEOUT_MS);
  const openKafka = () => openKafkaProbes(probeKafka);
  const streamFeeds = [
    { stream: 'StreamReadings', feed: readingFeed },
    { stream: 'StreamWindowCounts', feed: windowFeed },
    { stream: 'StreamAlerts', feed: alertFeed },
  ];
  const offsetSampler = startOffsetSampler({
    openKafka,
    groupId: config.PROCESSOR_GROUP_ID,
    feedTopics: streamFeeds.map(({ feed }) => feed.state.topic),
    intervalMs: config.HEALTH_SAMPLE_INTERVAL_MS,
    keepMs: config.HEALTH_RATE_WINDOW_MS + config.HEALTH_SAMPLE_INTERVAL_MS,
    timeoutMs: config.HEALTH_PROBE_TIMEOUT_MS,
    logger,
  });
  const watchedTopics = (): WatchedTopic[] => [
    { topic: SENSOR_READINGS_TOPIC, staleAfterMs: config.READINGS_STALE_AFTER_MS, recency: readingFeed.recency },
    { topic: WINDOW_COUNTS_TOPIC, staleAfterMs: config.WINDOW_COUNTS_STALE_AFTER_MS, recency: windowFeed.recency },
    // Written only when something happens: their age says nothing about health.
    { topic: ALERTS_TOPIC, staleAfterMs: 0, recency: alertFeed.recency },
    { topic: DEVICES_TOPIC, staleAfterMs: 0, recency: devicesWatch?.recency, ...(devicesWatchProblem ? { problem: devicesWatchProblem } : {}) },
  ];

  const service = loadPipelineProto(grpc).iot.v1.PipelineService.service;
  const limits = { queueLimit: config.STREAM_QUEUE_LIMIT, heartbeatMs: config.HEARTBEAT_INTERVAL_MS };
  const openAlertCounts = () => {
    const counts = new Map<string, number>();
    for (const { value } of alertFeed.state.values()) if (value && value.state !== 'CLEARED') counts.set(value.sensorId, (counts.get(value.sensorId) ?? 0) + 1);
    return counts;
  };
  // Streams wait until the feeds have caught up: a snapshot must be whole.
  const handlers: PipelineServiceHandlers = {
    StreamWindowCounts: (call) => void ready.then(() => {
      const filter = validated(call, () => windowCountsFilter(call.request, config.SNAPSHOT_MINUTES));
      if (filter) serveSubscription(call, windowCountsSpec(windowFeed.state, filter), call.request.resumeCursor, limits, logger, service.StreamWindowCounts.responseSerialize);
    }),
    StreamAlerts: (call) => void ready.then(() => {
      const filter = validated(call, () => alertsFilter(call.request));
      if (filter) serveSubscription(call, alertsSpec(alertFeed.state, filter), call.request.resumeCursor, limits, logger, service.StreamAlerts.responseSerialize);
    }),
    StreamReadings: (call) => void ready.then(() => {
      const filter = validated(call, () => readingsFilter(call.request));
      if (filter) serveSubscription(call, readingsSpec(readingFeed.state, filter), call.request.resumeCursor, limits, logger, service.StreamReadings.responseSerialize);
    }),
    ListSensors: listSensorsHandler({ pool, latestReading: (sensorId) => readingFeed.state.get(sensorId)?.value ?? undefined, openAlertCounts, logger }),
    GetWindowCounts: getWindowCountsHandler({ pool, logger }),
    AckAlert: ackAlertHandler({
      currentAlert: (alertId) => {
        const id = parseAlertId(alertId);
        const alert = id && alertFeed.state.get(alertKey(id.sensorId, id.rule))?.value;
        return alert?.alertId === alertId ? alert : undefined;
      },
      writeAck,
      logger,
    }),
    IngestReadings: ingestReadingsHandler({ send: (readings) => readingSender.send(readings), logger, metrics }),
    GetPipelineHealth: getPipelineHealthHandler({
      groupId: config.PROCESSOR_GROUP_ID,
      registryUrl: config.SCHEMA_REGISTRY_URL.replace(/\/+$/, ''),
      connectUrl: config.CONNECT_URL,
      probeTimeoutMs: config.HEALTH_PROBE_TIMEOUT_MS,
      maxLagRecords: config.PROCESSOR_MAX_LAG_RECORDS,
      rateWindowMs: config.HEALTH_RATE_WINDOW_MS,
      startedAtMs: Math.round(performance.timeOrigin),
      // What the gateway decodes: without these its feeds cannot read new records.
      expectedSubjects: [subjectFor(SENSOR_READINGS_TOPIC, 'value'), subjectFor(WINDOW_COUNTS_TOPIC, 'key'), subjectFor(WINDOW_COUNTS_TOPIC, 'value'), subjectFor(ALERTS_TOPIC, 'key'), subjectFor(ALERTS_TOPIC, 'value')],
      openKafka,
      getJson,
      samples: () => offsetSampler.samples(),
      feeds: () => streamFeeds.map(({ stream, feed }) => ({ stream, topic: feed.state.topic, subscribers: feed.state.subscriberCount, loaded: feed.loaded, positions: feed.positions })),
      topics: watchedTopics,
      logger,
    }),
  };

  const server = new grpc.Server({ 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000, 'grpc.keepalive_permit_without_calls': 1 });
  server.addService(servedDefinition(service), withAuth(handlers, config.GATEWAY_TOKENS, logger));
  const health = new HealthImplementation({ '': 'NOT_SERVING', [SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  addReflection(server);
  void ready.then(() => {
    health.setStatus('', 'SERVING');
    health.setStatus(SERVICE_NAME, 'SERVING');
    logger.info({ windows: windowFeed.state.size, alerts: alertFeed.state.size, sensorsWithReadings: readingFeed.state.size }, 'caught up with the topics: serving');
  });
  const address = `${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`;
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(address, credentials, (error) => (error ? reject(new Error(`cannot listen on ${address}: ${error.message}`)) : resolve())),
  );
  const metricsServer = await serveMetrics(metrics, config.METRICS_PORT);
  logger.info({ address, tls: Boolean(config.GATEWAY_TLS_CERT_FILE) }, 'gRPC gateway listening');

  onShutdown(logger, async () => {
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(SERVICE_NAME, 'NOT_SERVING');
    clearInterval(evictTimer);
    offsetSampler.stop();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    await Promise.all([...feeds.map((feed) => feed.stop()), devicesWatch?.stop()]);
    await readingSender.close();
    await producer.disconnect();
    await pool.end();
    metricsServer?.close();
  });
}

/** The service as served: stream methods write pre-encoded live messages (Buffers) as they are. */
function servedDefinition(service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  return Object.fromEntries(Object.entries(service).map(([name, method]) => [name, method.responseStream
    ? { ...method, responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : method.responseSerialize(value)) }
    : method]));
}

main().catch((error: unknown) => exitOnStartFailure(logger, error));
