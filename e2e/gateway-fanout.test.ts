import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http2 from 'node:http2';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { SENSOR_READINGS_TOPIC, WINDOW_COUNTS_TOPIC, type SensorReading, type WindowCount, type WindowCountKey } from '@iot/contracts';
import { LOCAL_GATEWAY_TOKEN, loadPipelineProto, type PipelineServiceClient, type ReadingEvent__Output, type WindowCountEvent__Output } from '@iot/contracts/grpc';
import { status as stackStatus } from '@iot/stack';
import { collectFromTopic, produceReadings, stack, uniquePrefix, waitFor } from './support.ts';

// 1,000 StreamWindowCounts subscribers against the running gateway, and one more that stops
// reading: it must neither hold the others back nor make the gateway keep more than one waiting
// message per window for it.

const SUBSCRIBERS = 1000;
const CHANNELS = 10; // 100 streams per HTTP/2 connection
const proto = loadPipelineProto(grpc);
const auth = () => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${LOCAL_GATEWAY_TOKEN}`);
  return metadata;
};
const windowId = (sensorId: string, windowStartMs: number) => `${sensorId}@${windowStartMs}`;

function gatewayRssMiB(): number {
  const pid = stackStatus(stack).find((component) => component.name === 'grpc-gateway')?.pid;
  assert.ok(pid, 'the gateway runs');
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(rss) / 1024;
}

/**
 * A client that stops reading, as a frozen device or a stuck proxy would: a plain HTTP/2 stream,
 * paused, so its flow-control window fills and stays full. (A grpc-js client cannot play this
 * part: it keeps reading from HTTP/2 into its own memory whether or not its stream is consumed.)
 * The 4 KiB window makes it stall after a few dozen messages. `resume()` starts reading again.
 */
function stalledStream<M extends 'StreamWindowCounts' | 'StreamReadings'>(methodName: M, request: Parameters<PipelineServiceClient[M]>[0]) {
  const session = http2.connect(`http://127.0.0.1:${stack.GATEWAY_PORT}`, { settings: { initialWindowSize: 4096 } });
  session.on('error', () => undefined);
  const stream = session.request({
    ':method': 'POST',
    ':path': `/iot.v1.PipelineService/${methodName}`,
    'content-type': 'application/grpc',
    te: 'trailers',
    authorization: `Bearer ${LOCAL_GATEWAY_TOKEN}`,
  });
  const method = proto.iot.v1.PipelineService.service[methodName];
  const body = method.requestSerialize(request as never);
  const prefix = Buffer.alloc(5); // gRPC message framing: not compressed, 4-byte length
  prefix.writeUInt32BE(body.length, 1);
  stream.end(Buffer.concat([prefix, body]));
  stream.on('error', () => undefined);
  stream.pause();
  type Event = M extends 'StreamWindowCounts' ? WindowCountEvent__Output : ReadingEvent__Output;
  const events: Event[] = [];
  let trailers: http2.IncomingHttpHeaders | undefined;
  stream.on('trailers', (received) => (trailers = received));
  let unread = Buffer.alloc(0);
  return {
    events,
    trailers: () => trailers,
    resume() {
      stream.on('data', (chunk: Buffer) => {
        unread = Buffer.concat([unread, chunk]);
        while (unread.length >= 5 && unread.length >= 5 + unread.readUInt32BE(1)) {
          const length = unread.readUInt32BE(1);
          events.push(method.responseDeserialize(unread.subarray(5, 5 + length)) as Event);
          unread = unread.subarray(5 + length);
        }
      });
      stream.resume(); // explicitly paused: a 'data' listener alone does not restart the flow
    },
    close() {
      stream.close();
      session.close();
    },
  };
}

async function gatewayMetric(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${stack.GATEWAY_METRICS_PORT}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}`) || (labels === '' && candidate.startsWith(`${name} `)));
  assert.ok(line, `metric ${name}{${labels}} is exported`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('1,000 StreamWindowCounts subscribers each get every update of their windows, in order, once, while a stalled client is held to one waiting message per window and then gets each window\'s newest value; cancelled calls release everything', { timeout: 300_000 }, async () => {
  const prefix = uniquePrefix('e2e-fanout');
  const clients: PipelineServiceClient[] = Array.from({ length: CHANNELS }, () =>
    new proto.iot.v1.PipelineService(`127.0.0.1:${stack.GATEWAY_PORT}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }),
  );
  // The simulator's demo fleet with our prefix: each subscriber follows two of its 38 sensors.
  const fleet = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'fleet', '--prefix', prefix], { cwd: join(import.meta.dirname, '..', 'producers'), encoding: 'utf8' })
    .trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
  const rssBefore = gatewayRssMiB();

  const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => {
    const sensorIds = [fleet[i % fleet.length]!, fleet[(i + 1) % fleet.length]!];
    const received = new Map<string, number[]>(); // window → offsets, in arrival order
    let ready = false;
    const call = clients[i % CHANNELS]!.StreamWindowCounts({ sensorIds, snapshotMinutes: 1 }, auth());
    call.on('data', (event: WindowCountEvent__Output) => {
      if (event.snapshotComplete) ready = true;
      if (!event.windowCount) return;
      const id = windowId(event.windowCount.sensorId, event.windowCount.windowStartMs);
      received.set(id, [...(received.get(id) ?? []), Number(event.position!.offset)]);
    });
    call.on('error', () => undefined); // cancelled at the end
    return { sensorIds, received, call, isReady: () => ready };
  });
  const stalled = stalledStream('StreamWindowCounts', { sensorIds: fleet, snapshotMinutes: 1 });
  let sampling = true;
  let largestQueue = 0;
  let rssPeak = rssBefore;
  const sampler = (async () => {
    while (sampling) {
      largestQueue = Math.max(largestQueue, await gatewayMetric('gateway_subscriber_queue_largest'));
      rssPeak = Math.max(rssPeak, gatewayRssMiB());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  try {
    await waitFor('every subscriber past its snapshot', async () => (subscribers.every((subscriber) => subscriber.isReady()) ? true : undefined), 60_000, 250);

    const tallyFile = join(mkdtempSync(join(tmpdir(), 'fanout-')), 'tally.json');
    await produceReadings({ prefix, rate: 76, durationS: 20, tallyFile });
    const topic = await collectFromTopic<WindowCountKey, WindowCount>(WINDOW_COUNTS_TOPIC, {
      select: (key) => key.sensorId.startsWith(prefix),
      done: (records) => new Set(records.filter((record) => record.value?.final).map((record) => record.key.sensorId)).size === fleet.length,
      timeoutMs: 150_000,
    });
    const expected = new Map<string, number[]>();
    for (const record of topic) {
      const id = windowId(record.key.sensorId, record.key.windowStart);
      expected.set(id, [...(expected.get(id) ?? []), Number(record.offset)]);
    }
    const windowsOf = (sensorIds: string[]) => [...expected.keys()].filter((id) => sensorIds.some((sensorId) => id.startsWith(`${sensorId}@`)));
    await waitFor('every subscriber holding every record of its windows', async () =>
      subscribers.every((subscriber) => windowsOf(subscriber.sensorIds).every((id) => (subscriber.received.get(id)?.length ?? 0) >= expected.get(id)!.length)) ? true : undefined, 60_000, 500);
    let messages = 0; // checked below against the topic, window by window
    for (const subscriber of subscribers) {
      for (const id of windowsOf(subscriber.sensorIds)) {
        assert.deepEqual(subscriber.received.get(id), expected.get(id), `subscriber of ${subscriber.sensorIds.join(', ')}: every record of ${id}, in order, once`);
        messages += expected.get(id)!.length;
      }
    }

    sampling = false;
    await sampler;
    const rssAfter = gatewayRssMiB();

    // The stalled client: while it read nothing, the gateway kept at most one message per window
    // for it (plus the snapshot marker); once it reads again it gets each window's newest value.
    assert.ok(largestQueue > 0, 'the stalled client\'s full window held messages back in its queue');
    assert.ok(largestQueue <= expected.size + 1, `at most one waiting message per window: ${largestQueue} waited, for ${expected.size} windows`);
    stalled.resume();
    const lastOffset = new Map([...expected].map(([id, offsets]) => [id, offsets.at(-1)!]));
    const stalledReceived = new Map<string, number[]>();
    await waitFor('the stalled client, reading again, at the newest value of every window', async () => {
      stalledReceived.clear();
      for (const event of stalled.events) {
        if (!event.windowCount) continue;
        const id = windowId(event.windowCount.sensorId, event.windowCount.windowStartMs);
        stalledReceived.set(id, [...(stalledReceived.get(id) ?? []), Number(event.position!.offset)]);
      }
      return [...lastOffset].every(([id, offset]) => stalledReceived.get(id)?.at(-1) === offset) ? true : undefined;
    }, 60_000, 250);
    let stalledMessages = 0;
    for (const [id, offsets] of stalledReceived) {
      const topicOffsets = expected.get(id)!;
      assert.ok(offsets.every((offset, i) => topicOffsets.includes(offset) && (i === 0 || offset > offsets[i - 1]!)), `${id}: the stalled client got a subsequence of the topic's records, in order`);
      stalledMessages += offsets.length;
    }
    const topicMessages = [...expected.values()].reduce((sum, offsets) => sum + offsets.length, 0);
    assert.ok(stalledMessages < topicMessages, `intermediate values were skipped (${stalledMessages} of ${topicMessages})`);

    console.log(`fan-out: ${SUBSCRIBERS} subscribers received ${messages} window records, each exactly the topic's records of its windows; gateway RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} → ${rssAfter.toFixed(0)} MiB`);
    console.log(`stalled client: at most ${largestQueue} messages waited (${expected.size} windows); reading again, it got ${stalledMessages} of the topic's ${topicMessages} records, ending on each window's newest`);
  } finally {
    sampling = false;
    stalled.close();
    for (const subscriber of subscribers) subscriber.call.cancel();
    for (const client of clients) client.close();
  }
  await waitFor('the gateway released every subscriber', async () => ((await gatewayMetric('gateway_subscribers', `topic="${WINDOW_COUNTS_TOPIC}"`)) === 0 ? true : undefined), 30_000, 500);
});

test('a StreamReadings client that stops reading is released once it is STREAM_QUEUE_LIMIT behind and, reading again, gets an unbroken run of the topic\'s readings and then RESOURCE_EXHAUSTED: nothing silently dropped', { timeout: 240_000 }, async () => {
  const QUEUE_LIMIT = 10_000; // the gateway's STREAM_QUEUE_LIMIT, as the stack runs it
  const prefix = uniquePrefix('e2e-stalled-readings');
  const startedAt = Date.now();
  const fleet = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'fleet', '--prefix', prefix], { cwd: join(import.meta.dirname, '..', 'producers'), encoding: 'utf8' })
    .trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
  const subscribed = () => gatewayMetric('gateway_subscribers', `topic="${SENSOR_READINGS_TOPIC}"`);
  const before = await subscribed();
  const stalled = stalledStream('StreamReadings', { sensorIds: fleet });
  try {
    await waitFor('the stalled subscriber registered', async () => ((await subscribed()) > before ? true : undefined), 30_000, 100);
    const tallyFile = join(mkdtempSync(join(tmpdir(), 'stalled-')), 'tally.json');
    const tally = await produceReadings({ prefix, rate: 1000, durationS: 13, tallyFile });
    const total = tally.windows.reduce((sum, entry) => sum + entry.count, 0);
    assert.ok(total > QUEUE_LIMIT + 1000, `enough readings to overflow the queue (${total})`);
    await waitFor('the gateway released the stalled subscriber while it still read nothing', async () => ((await subscribed()) <= before ? true : undefined), 60_000, 250);

    stalled.resume();
    const trailers = await waitFor('the stream\'s status', async () => stalled.trailers(), 30_000, 100);
    assert.equal(trailers['grpc-status'], String(grpc.status.RESOURCE_EXHAUSTED));
    assert.match(decodeURIComponent(String(trailers['grpc-message'])), /fell \d+ messages behind \(limit 10000\); resubscribe without resume_cursor/);
    assert.equal(stalled.events[0]?.snapshotComplete?.count, 0, 'an empty snapshot first: the sensors are new');
    const received = stalled.events.filter((event) => event.reading);
    assert.ok(received.length > 0 && received.length < total, `some readings before the status (${received.length} of ${total})`);

    // What it did get is, per partition, the topic's first records for the fleet: no hole, no reordering.
    const topic = await collectFromTopic<string, SensorReading>(SENSOR_READINGS_TOPIC, {
      select: (key) => typeof key === 'string' && key.startsWith(prefix), // other tests' keys need not be strings
      done: (records) => records.length >= total,
      timeoutMs: 90_000,
      sinceMs: startedAt - 60_000, // the fleet is new: older records of this busy topic are not needed
    });
    const topicOffsets = new Map<number, number[]>();
    for (const record of topic) topicOffsets.set(record.partition, [...(topicOffsets.get(record.partition) ?? []), Number(record.offset)]);
    const receivedOffsets = new Map<number, number[]>();
    for (const event of received) receivedOffsets.set(event.position!.partition, [...(receivedOffsets.get(event.position!.partition) ?? []), Number(event.position!.offset)]);
    for (const [partition, offsets] of receivedOffsets) {
      assert.deepEqual(offsets, topicOffsets.get(partition)!.slice(0, offsets.length), `partition ${partition}: an unbroken run from the first record`);
    }
    console.log(`stalled readings client: released after falling behind; it then read ${received.length} of ${total} readings, unbroken, and RESOURCE_EXHAUSTED`);
  } finally {
    stalled.close();
  }
});
