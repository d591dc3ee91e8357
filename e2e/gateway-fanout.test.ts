import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { WINDOW_COUNTS_TOPIC, type WindowCount, type WindowCountKey } from '@iot/contracts';
import { LOCAL_GATEWAY_TOKEN, loadPipelineProto, type PipelineServiceClient, type WindowCountEvent__Output } from '@iot/contracts/grpc';
import { status as stackStatus } from '@iot/stack';
import { collectFromTopic, produceReadings, stack, uniquePrefix, waitFor } from './support.ts';

// 1,000 StreamWindowCounts subscribers against the running gateway. (A stalled client is not
// tested here yet: grpc-js's server write() does not report a peer's full flow-control window,
// see grpc-gateway/README.md, "Known limit".)

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

async function gatewayMetric(name: string, labels = ''): Promise<number> {
  const text = await (await fetch('http://127.0.0.1:9466/metrics')).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}`) || (labels === '' && candidate.startsWith(`${name} `)));
  assert.ok(line, `metric ${name}{${labels}} is exported`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('1,000 StreamWindowCounts subscribers each get every update of their windows, in order, once; cancelled calls release everything', { timeout: 300_000 }, async () => {
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

    const rssAfter = gatewayRssMiB();
    console.log(`fan-out: ${SUBSCRIBERS} subscribers received ${messages} window records, each exactly the topic's records of its windows; gateway RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MiB`);
  } finally {
    for (const subscriber of subscribers) subscriber.call.cancel();
    for (const client of clients) client.close();
  }
  await waitFor('the gateway released every subscriber', async () => ((await gatewayMetric('gateway_subscribers', `topic="${WINDOW_COUNTS_TOPIC}"`)) === 0 ? true : undefined), 30_000, 500);
});
