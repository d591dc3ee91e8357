import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { addReflection } from './reflection.ts';

// A reflection client as grpcurl is one, from the reflection .proto bundled with @grpc/reflection.
const packageDir = dirname(dirname(dirname(createRequire(import.meta.url).resolve('@grpc/reflection'))));
type ReflectionClientConstructor = new (address: string, credentials: grpc.ChannelCredentials) => ReflectionClient;
const loadReflection = (version: 'v1' | 'v1alpha') =>
  grpc.loadPackageDefinition(
    loadSync(join(packageDir, 'build', 'proto', 'grpc', 'reflection', version, 'reflection.proto'), { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true }),
  ) as unknown as { grpc: { reflection: Record<typeof version, { ServerReflection: ReflectionClientConstructor }> } };

type ReflectionResponse = {
  message_response: string;
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
};
type ReflectionClient = grpc.Client & { ServerReflectionInfo: () => grpc.ClientDuplexStream<object, ReflectionResponse> };

/** One request on the ServerReflectionInfo stream, one response back. */
function ask(client: ReflectionClient, request: object): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo();
    stream.once('data', (response: ReflectionResponse) => {
      resolve(response);
      stream.end();
    });
    stream.once('error', reject);
    stream.write(request);
  });
}

test('reflection lists iot.v1.PipelineService and grpc.health.v1.Health and describes them', async (t) => {
  const server = new grpc.Server();
  addReflection(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const client = new (loadReflection('v1').grpc.reflection.v1.ServerReflection)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const alphaClient = new (loadReflection('v1alpha').grpc.reflection.v1alpha.ServerReflection)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.after(() => {
    client.close();
    alphaClient.close();
    server.forceShutdown();
  });

  const listed = await ask(client, { list_services: '*' });
  const names = listed.list_services_response?.service.map((service) => service.name).sort();
  assert.deepEqual(names, ['grpc.health.v1.Health', 'iot.v1.PipelineService']);
  const alphaListed = await ask(alphaClient, { list_services: '*' });
  assert.deepEqual(alphaListed.list_services_response?.service.map((service) => service.name).sort(), names, 'v1alpha too (older grpcurl)');

  for (const [symbol, expected] of [
    ['iot.v1.PipelineService', 'IngestReadings'],
    ['iot.v1.PipelineService', 'GetPipelineHealth'],
    ['iot.v1.StreamProcessorHealth', 'consumed_records_per_second'],
    ['iot.v1.IngestReadingsResponse', 'rejections_truncated'], // the contract's field names, not camelCase
    ['grpc.health.v1.Health', 'Watch'],
  ] as const) {
    const described = await ask(client, { file_containing_symbol: symbol });
    assert.equal(described.error_response, undefined, `${symbol}: ${described.error_response?.error_message}`);
    const files = described.file_descriptor_response?.file_descriptor_proto ?? [];
    assert.ok(files.length > 0, symbol);
    assert.ok(Buffer.concat(files).includes(expected), `the descriptor of ${symbol} mentions ${expected}`);
  }
});
