import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_BROKER, kafkaUnreachable, silentLogger } from '../test-support.ts';
import type { KafkaProbes } from '../unary/pipeline-health.ts';
import { startOffsetSampler } from './offset-sampler.ts';
import { createProbeKafka, getJson, openKafkaProbes } from './probes.ts';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('getJson: the parsed body; an HTTP error with its status and body; a closed port by its code; a slow server by the timeout', async (t) => {
  const { server, url } = await listen((request, response) => {
    if (request.url === '/subjects') return void response.writeHead(200, { 'content-type': 'application/json' }).end('["a-value"]');
    if (request.url === '/broken') return void response.writeHead(503).end('registry is starting\n');
    if (request.url === '/text') return void response.writeHead(200).end('<html>');
    setTimeout(() => response.end('[]'), 2000); // /slow
  });
  t.after(() => server.close());
  t.after(() => server.closeAllConnections());
  assert.deepEqual(await getJson(`${url}/subjects`, 1000), ['a-value']);
  await assert.rejects(getJson(`${url}/broken`, 1000), { message: `GET ${url}/broken: HTTP 503 registry is starting ` });
  await assert.rejects(getJson(`${url}/text`, 1000), { message: `GET ${url}/text: the body is not JSON` });
  await assert.rejects(getJson(`${url}/slow`, 200), { message: `GET ${url}/slow: no answer within 200 ms` });

  const closed = await listen(() => undefined);
  await new Promise((resolve) => closed.server.close(resolve));
  await assert.rejects(getJson(`${closed.url}/connectors`, 1000), { message: `GET ${closed.url}/connectors: ECONNREFUSED` });
});

test('Kafka probes against the real broker: the cluster, a group\'s state, members and committed offsets, topic offset ranges; an unknown group is Dead', { skip: kafkaUnreachable, timeout: 60_000 }, async (t) => {
  const kafka = new Kafka({ clientId: 'gateway-probes-test', brokers: [KAFKA_BROKER], logLevel: logLevel.NOTHING });
  const topic = `gateway-probes-test-${randomUUID()}`;
  const groupId = `gateway-probes-test-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  t.after(async () => {
    await producer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });
  await producer.send({ topic, messages: [0, 0, 0, 1].map((partition, i) => ({ partition, value: `r${i}` })) });
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });

  const probes = openKafkaProbes(createProbeKafka([KAFKA_BROKER], 1500));
  t.after(() => probes.close());
  // In parallel, as one call runs them: none may start before the client knows the brokers.
  const [cluster, described, committed, ranges, unknown] = await Promise.all([
    probes.describeCluster(),
    probes.describeGroup(groupId),
    probes.committedOffsets(groupId),
    probes.offsetRanges([topic]),
    probes.describeGroup(`never-${randomUUID()}`),
  ]);
  assert.ok(cluster.brokers.length >= 1);
  assert.ok(cluster.clusterId);
  assert.equal(typeof cluster.controllerId, 'number');
  assert.deepEqual([described.state, described.members], ['Empty', []], 'offsets but no member');
  assert.deepEqual(committed.get(topic), new Map([[0, 2]]), 'only partitions with a commit');
  assert.deepEqual(ranges.ends.get(topic), new Map([[0, 3], [1, 1]]));
  assert.deepEqual(ranges.starts.get(topic), new Map([[0, 0], [1, 0]]));
  assert.equal(unknown.state, 'Dead');
});

test('Kafka probes against a closed port fail fast with the reason, each of them', async () => {
  const probes = openKafkaProbes(createProbeKafka(['127.0.0.1:1'], 1000));
  const started = Date.now();
  await assert.rejects(probes.describeCluster(), /ECONNREFUSED|Connection error/);
  await assert.rejects(probes.committedOffsets('g'), /ECONNREFUSED|Connection error/);
  assert.ok(Date.now() - started < 3000, `failed in ${Date.now() - started} ms`);
  await probes.close();
});

test('the offset sampler: one sample per interval, never overlapping; only the last keepMs kept; a failing Kafka skips samples and is logged once per outage', async () => {
  let failing = false;
  let open = 0;
  let committedOffset = 0;
  const warnings: string[] = [];
  const infos: string[] = [];
  const logger = { ...silentLogger, warn: (_: unknown, message: string) => warnings.push(message), info: (_: unknown, message: string) => infos.push(message) } as unknown as typeof silentLogger;
  const openKafka = (): KafkaProbes => {
    open++;
    return {
      describeCluster: async () => assert.fail('not used by the sampler'),
      describeGroup: async () => assert.fail('not used by the sampler'),
      committedOffsets: async () => {
        if (failing) throw new Error('Connection error: connect ECONNREFUSED');
        return new Map([['readings', new Map([[0, (committedOffset += 10)]])]]);
      },
      offsetRanges: async (topics) => ({ starts: new Map(), ends: new Map(topics.map((topic) => [topic, new Map([[0, committedOffset + 5]])])) }),
      close: async () => {
        open--;
      },
    };
  };
  const sampler = startOffsetSampler({ openKafka, groupId: 'g', feedTopics: ['alerts'], intervalMs: 20, keepMs: 100, timeoutMs: 500, logger });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const samples = sampler.samples();
    assert.ok(samples.length >= 3, `${samples.length} samples`);
    assert.ok(samples.at(-1)!.atMs - samples[0]!.atMs <= 100, 'older ones dropped');
    assert.deepEqual([...samples.at(-1)!.ends.keys()], ['readings', 'alerts'], 'the group\'s input topics and the feed topics');
    assert.ok(samples.every((sample, i) => i === 0 || sample.committed.get('readings')!.get(0)! > samples[i - 1]!.committed.get('readings')!.get(0)!));
    failing = true;
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(warnings, ['offset sampling failed (throughput unknown until it works again)']);
    failing = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(infos, ['offset sampling works again']);
  } finally {
    sampler.stop();
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(open, 0, 'every connection closed');
});
