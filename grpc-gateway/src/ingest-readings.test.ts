import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { CompressionTypes, Partitioners, type Kafka, type ProducerConfig, type ProducerRecord } from 'kafkajs';
import { Registry } from 'prom-client';
import { AVRO_SCHEMAS, SENSOR_READINGS_TOPIC, type SensorReading } from '@iot/contracts';
import { loadPipelineProto, type IngestReadingsRequest, type IngestReadingsResponse, type PipelineServiceHandlers } from '@iot/contracts/grpc';
import type { createRegistry, Logger } from '@iot/runtime';
import { checkIngestReading, createReadingSender, ingestReadingsHandler } from './ingest-readings.ts';

type SchemaRegistry = ReturnType<typeof createRegistry>;

const NOW = Date.UTC(2026, 5, 1);
const message = (sensorId: string, change: Record<string, unknown> = {}) => ({
  reading: { sensorId, sensorType: 'power', siteId: 'site-a', timestampMs: NOW, value: 1.5, unit: 'W', ...change },
});
const reading = (sensorId: string): SensorReading => ({ sensorId, sensorType: 'power', siteId: 'site-a', timestamp: NOW, value: 1.5, unit: 'W' });

type Line = { level: string; fields: unknown; msg: unknown };
function fakeLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const log = (level: string) => (fields: unknown, msg?: unknown) => void lines.push({ level, fields, msg });
  const logger = { lines, info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), child: () => logger };
  return logger as unknown as Logger & { lines: Line[] };
}

/** A client-streaming call as grpc-js hands it to the handler: a paused-able object stream plus call methods. */
function fakeCall(deadline: Date | number = Infinity) {
  const call = Object.assign(new Readable({ objectMode: true, read() {} }), {
    cancelled: false,
    metadata: new grpc.Metadata(),
    getPeer: () => 'ipv4:127.0.0.1:5555',
    getDeadline: () => deadline,
    pauses: 0,
  });
  const pause = call.pause.bind(call);
  call.pause = () => {
    call.pauses += 1;
    return pause();
  };
  return call;
}

type Outcome = { error: Partial<grpc.ServiceError> | null; value?: IngestReadingsResponse | null };

function run(handler: PipelineServiceHandlers['IngestReadings'], call: ReturnType<typeof fakeCall>): Promise<Outcome> {
  return new Promise((resolve) => {
    const invoke = handler as unknown as (call: unknown, callback: (error: Outcome['error'], value?: IngestReadingsResponse | null) => void) => void;
    invoke(call, (error, value) => resolve({ error, value }));
  });
}

/** A send that records its batches and how many ran at once. */
function recordingSend(delayMs = 1) {
  const batches: SensorReading[][] = [];
  let running = 0;
  let maxRunning = 0;
  const send = async (readings: SensorReading[]) => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    batches.push(readings);
    running -= 1;
  };
  return { send, batches, maxRunning: () => maxRunning };
}

test('checkIngestReading: converts a valid reading and names what is wrong with an invalid one', () => {
  assert.deepEqual(checkIngestReading(message('s1') as never, NOW), { ok: true, reading: reading('s1') });
  const reason = (request: unknown) => {
    const checked = checkIngestReading(request as never, NOW);
    return checked.ok ? undefined : checked.reason;
  };
  assert.equal(reason({ reading: null }), 'reading is missing');
  assert.equal(reason(message('')), 'sensor_id is empty');
  assert.equal(reason(message('s1', { siteId: ' ' })), 'site_id is empty');
  assert.equal(reason(message('s1', { sensorType: '' })), 'sensor_type is empty');
  assert.equal(reason(message('s1', { unit: '' })), 'unit is empty');
  assert.equal(reason(message('s1', { unit: 'x'.repeat(129) })), 'unit is longer than 128 characters (129)');
  assert.equal(reason(message('s1', { unit: '°'.repeat(128) })), undefined, '128 characters is fine');
  assert.equal(reason(message('🙂'.repeat(128))), undefined, 'characters, not UTF-16 units');
  assert.equal(reason(message('s1', { value: Number.NaN })), 'value is not a finite number (NaN)');
  assert.match(reason(message('s1', { timestampMs: 0 }))!, /before 2000-01-01/);
  assert.match(reason(message('s1', { timestampMs: NOW + 2 * 86_400_000 }))!, /more than a day in the future/);
  const long = checkIngestReading(message('x'.repeat(5000)) as never, NOW);
  assert.ok(!long.ok && long.sensorId.length <= 129, 'a huge sensor id is not echoed whole');
});

test('answers with the counts and the rejections once every batch is acknowledged', async () => {
  const sender = recordingSend();
  const call = fakeCall();
  const outcome = run(ingestReadingsHandler({ send: sender.send, logger: fakeLogger(), maxBatch: 2, now: () => NOW }), call);
  call.push(message('s1'));
  call.push({ reading: null });
  call.push(message('s2'));
  call.push(message('s3', { value: Number.POSITIVE_INFINITY }));
  call.push(message('s4'));
  call.push(message('s5'));
  call.push(message('s6'));
  call.push(null);
  const { error, value } = await outcome;
  assert.equal(error, null);
  assert.deepEqual(value, {
    accepted: 5,
    rejected: 2,
    rejections: [
      { index: 1, sensorId: '', reason: 'reading is missing' },
      { index: 3, sensorId: 's3', reason: 'value is not a finite number (Infinity)' },
    ],
    rejectionsTruncated: false,
  });
  assert.deepEqual(sender.batches.map((batch) => batch.map((r) => r.sensorId)), [['s1', 's2'], ['s4', 's5'], ['s6']]);
  assert.equal(sender.maxRunning(), 1, 'one batch at a time');
  assert.ok(call.pauses >= 3, 'the call is paused while each batch is sent');
});

test('pauses the stream while a batch is being sent and resumes after', async () => {
  let release!: () => void;
  const sent: number[] = [];
  const send = (readings: SensorReading[]) =>
    new Promise<void>((resolve) => {
      sent.push(readings.length);
      release = resolve;
    });
  const call = fakeCall();
  const outcome = run(ingestReadingsHandler({ send, logger: fakeLogger(), maxBatch: 3, now: () => NOW }), call);
  for (let i = 0; i < 7; i += 1) call.push(message(`s${i}`));
  call.push(null);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent, [3]);
  assert.equal(call.isPaused(), true);
  assert.equal(call.readableLength, 4, 'the other readings wait in the stream, unread');
  release();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent, [3, 3]);
  release();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent, [3, 3, 1], 'the last, partial batch when the stream ends');
  release();
  assert.equal((await outcome).value?.accepted, 7);
});

test('lists the first 100 rejections and says when there were more', async () => {
  const call = fakeCall();
  const outcome = run(ingestReadingsHandler({ send: async () => {}, logger: fakeLogger(), now: () => NOW }), call);
  for (let i = 0; i < 150; i += 1) call.push(message(`s${i}`, { unit: '' }));
  call.push(null);
  const { value } = await outcome;
  assert.equal(value?.accepted, 0);
  assert.equal(value?.rejected, 150);
  assert.equal(value?.rejections?.length, 100);
  assert.equal(value?.rejectionsTruncated, true);
  assert.deepEqual(value?.rejections?.[99], { index: 99, sensorId: 's99', reason: 'unit is empty' });
});

test('a failed send ends the call with UNAVAILABLE, saying how many were accepted', async () => {
  let calls = 0;
  const send = async () => {
    calls += 1;
    if (calls === 2) throw new Error('broker down');
  };
  const call = fakeCall();
  const metrics = new Registry();
  const outcome = run(ingestReadingsHandler({ send, logger: fakeLogger(), maxBatch: 2, now: () => NOW, metrics }), call);
  for (let i = 0; i < 6; i += 1) call.push(message(`s${i}`));
  call.push(message('bad', { siteId: '' }));
  call.push(null);
  const { error, value } = await outcome;
  assert.equal(value, undefined);
  assert.equal(error?.code, grpc.status.UNAVAILABLE);
  assert.match(error?.details ?? '', /failed after 2 readings were accepted .*broker down/);
  assert.equal(calls, 2, 'nothing more is sent after a failure');
  const counts = await metrics.getSingleMetricAsString('gateway_ingest_readings_total');
  assert.match(counts, /result="accepted"} 2/);
  assert.match(counts, /result="failed"} 2/);
});

test('a cancelled call stops and is logged; the callback is not called', async () => {
  const logger = fakeLogger();
  const sender = recordingSend();
  const call = fakeCall();
  let answered = false;
  (ingestReadingsHandler({ send: sender.send, logger, maxBatch: 10, now: () => NOW }) as unknown as (c: unknown, cb: () => void) => void)(call, () => {
    answered = true;
  });
  call.push(message('s1'));
  await new Promise((resolve) => setImmediate(resolve));
  call.cancelled = true;
  call.emit('cancelled', 'cancelled');
  call.push(message('s2'));
  call.push(null);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(answered, false);
  assert.deepEqual(sender.batches, [], 'the collected readings are not sent');
  assert.ok(logger.lines.some((line) => line.msg === 'IngestReadings cancelled by the client'));
});

test('past the deadline the call ends with DEADLINE_EXCEEDED', async () => {
  const call = fakeCall(new Date(Date.now() + 30));
  const outcome = run(ingestReadingsHandler({ send: () => new Promise(() => {}), logger: fakeLogger(), maxBatch: 1, now: () => NOW }), call);
  call.push(message('s1'));
  const { error } = await outcome;
  assert.equal(error?.code, grpc.status.DEADLINE_EXCEEDED);
  assert.match(error?.details ?? '', /0 readings accepted, 1 being written/);
});

test('over a real gRPC connection: many readings in small batches', async (t) => {
  const sender = recordingSend();
  const server = new grpc.Server();
  const proto = loadPipelineProto(grpc);
  server.addService(proto.iot.v1.PipelineService.service, {
    IngestReadings: ingestReadingsHandler({ send: sender.send, logger: fakeLogger(), maxBatch: 100 }),
  } as unknown as PipelineServiceHandlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const client = new proto.iot.v1.PipelineService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.after(() => {
    client.close();
    server.forceShutdown();
  });
  const now = Date.now();
  const response = await new Promise<IngestReadingsResponse>((resolve, reject) => {
    const stream = client.IngestReadings({ deadline: Date.now() + 10_000 }, (error, value) => (error ? reject(error) : resolve(value!)));
    for (let i = 0; i < 1000; i += 1) {
      const request: IngestReadingsRequest = { reading: { sensorId: `s${i % 7}`, sensorType: 'power', siteId: 'a', timestampMs: now, value: i, unit: 'W' } };
      stream.write(request);
    }
    stream.write({ reading: { sensorId: 's1', sensorType: 'power', siteId: 'a', timestampMs: now, value: Number.NaN, unit: 'W' } });
    stream.end();
  });
  assert.deepEqual(response, { accepted: 1000, rejected: 1, rejections: [{ index: 1000, sensorId: 's1', reason: 'value is not a finite number (NaN)' }], rejectionsTruncated: false });
  assert.equal(sender.batches.length, 10);
  assert.equal(sender.maxRunning(), 1);
});

test('createReadingSender registers, encodes and produces as the simulator does', async (t) => {
  // The schema registry's REST API, for registerSchema: key schema id 11, value schema id 12.
  const registered: Array<{ url: string; schema: string }> = [];
  const http = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      registered.push({ url: request.url ?? '', schema: (JSON.parse(body) as { schema: string }).schema });
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: request.url?.includes('-key') ? 11 : 12 }));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(() => http.close());
  const registryUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/apis/ccompat/v7`;

  const registry = {
    getSchema: async () => ({}),
    encode: async (id: number, value: unknown) => Buffer.from(JSON.stringify([id, value])),
  } as unknown as SchemaRegistry;
  let producerConfig: ProducerConfig | undefined;
  const records: ProducerRecord[] = [];
  let connects = 0;
  let disconnected = false;
  const kafka = {
    producer: (config: ProducerConfig) => {
      producerConfig = config;
      return {
        connect: async () => void (connects += 1),
        send: async (record: ProducerRecord) => void records.push(record),
        disconnect: async () => void (disconnected = true),
      };
    },
  } as unknown as Kafka;

  const sender = createReadingSender(kafka, registry, registryUrl);
  await sender.send([reading('s1'), reading('s2')]);
  await sender.send([reading('s3')]);
  assert.deepEqual(registered, [
    { url: '/apis/ccompat/v7/subjects/iot.sensor-readings-key/versions', schema: AVRO_SCHEMAS.sensorIdKey.text },
    { url: '/apis/ccompat/v7/subjects/iot.sensor-readings-value/versions', schema: AVRO_SCHEMAS.sensorReading.text },
  ]);
  assert.equal(connects, 1, 'set up once');
  assert.equal(producerConfig?.idempotent, true);
  assert.equal(producerConfig?.createPartitioner, Partitioners.DefaultPartitioner, 'murmur2, as the Java client');
  assert.equal(records.length, 2);
  const [first] = records;
  assert.equal(first!.topic, SENSOR_READINGS_TOPIC);
  assert.equal(first!.acks, -1);
  assert.equal(first!.compression, CompressionTypes.GZIP);
  assert.deepEqual(first!.messages[1], {
    key: Buffer.from(JSON.stringify([11, 's2'])),
    value: Buffer.from(JSON.stringify([12, reading('s2')])),
    timestamp: String(NOW),
  });
  await sender.close();
  assert.equal(disconnected, true);
  await assert.rejects(sender.send([reading('s4')]), /closed/);
});

test('createReadingSender: a send Kafka does not acknowledge in time fails', async () => {
  const registry = { getSchema: async () => ({}), encode: async () => Buffer.alloc(0) } as unknown as SchemaRegistry;
  const kafka = { producer: () => ({ connect: async () => {}, send: () => new Promise(() => {}), disconnect: async () => {} }) } as unknown as Kafka;
  const http = createServer((_request, response) => response.writeHead(200).end('{"id":1}'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  try {
    const sender = createReadingSender(kafka, registry, `http://127.0.0.1:${(http.address() as AddressInfo).port}`, { sendTimeoutMs: 50 });
    await assert.rejects(sender.send([reading('s1')]), /did not acknowledge the readings within 50 ms/);
  } finally {
    http.close();
  }
});
