import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import { LOCAL_GATEWAY_TOKEN } from '@iot/contracts/grpc';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { query, stack } from './support.ts';

// What grpcurl does against the running gateway, with no .proto file of ours: list the services by
// reflection, fetch their descriptors (and those they import), build a client from them alone and
// call ListSensors. (grpcurl itself is not packaged in Debian 12, so the test plays it.)

type ReflectionResponse = {
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
};
type ReflectionStream = grpc.ClientDuplexStream<object, ReflectionResponse>;
type ReflectionClient = grpc.Client & { ServerReflectionInfo: () => ReflectionStream };

const reflectionProto = join(dirname(dirname(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')))), 'build', 'proto', 'grpc', 'reflection', 'v1alpha', 'reflection.proto');
const { ServerReflection } = (grpc.loadPackageDefinition(loadSync(reflectionProto, { keepCase: true, longs: Number, defaults: true, oneofs: true })) as unknown as {
  grpc: { reflection: { v1alpha: { ServerReflection: new (address: string, credentials: grpc.ChannelCredentials) => ReflectionClient } } };
}).grpc.reflection.v1alpha;

/** Asks one question on a ServerReflectionInfo stream (grpcurl's v1alpha, the one every version speaks). */
function ask(client: ReflectionClient, request: object): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo();
    stream.once('data', (response: ReflectionResponse) => {
      stream.end();
      response.error_response ? reject(new Error(`reflection: ${response.error_response.error_message}`)) : resolve(response);
    });
    stream.once('error', reject);
    stream.write(request);
  });
}

test('reflection on the running gateway is enough to call it: services listed, descriptors fetched, ListSensors answered from a client built from them alone', { timeout: 60_000 }, async () => {
  const address = `127.0.0.1:${stack.GATEWAY_PORT}`;
  const reflection = new ServerReflection(address, grpc.credentials.createInsecure());
  try {
    const listed = await ask(reflection, { list_services: '*' });
    const services = listed.list_services_response!.service.map((service) => service.name);
    for (const name of ['iot.v1.PipelineService', 'grpc.health.v1.Health']) assert.ok(services.includes(name), `${name} is listed (got ${services.join(', ')})`);

    // As grpcurl does: the file that holds the service, then every file it imports, by name.
    const files = new Map<string, object>();
    const missing: string[] = [];
    const add = (response: ReflectionResponse) => {
      for (const bytes of response.file_descriptor_response!.file_descriptor_proto) {
        const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as { name: string; dependency: string[] };
        files.set(file.name, file);
        missing.push(...file.dependency);
      }
    };
    add(await ask(reflection, { file_containing_symbol: 'iot.v1.PipelineService' }));
    for (let name = missing.pop(); name !== undefined; name = missing.pop()) {
      if (!files.has(name)) add(await ask(reflection, { file_by_filename: name }));
    }

    const definition = loadFileDescriptorSetFromBuffer(Buffer.from(descriptor.FileDescriptorSet.encode({ file: [...files.values()] }).finish()), { keepCase: true, longs: Number, defaults: true });
    const Pipeline = (grpc.loadPackageDefinition(definition) as unknown as { iot: { v1: { PipelineService: grpc.ServiceClientConstructor } } }).iot.v1.PipelineService;
    const client = new Pipeline(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      ListSensors: (request: object, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { sensors: Array<{ sensor_id: string }> }) => void) => void;
    };
    try {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${LOCAL_GATEWAY_TOKEN}`);
      const response = await new Promise<{ sensors: Array<{ sensor_id: string }> }>((resolve, reject) =>
        client.ListSensors({}, metadata, { deadline: Date.now() + 10_000 }, (error, answer) => (error ? reject(error) : resolve(answer!))));
      const devices = await query<{ sensor_id: string }>('SELECT sensor_id FROM devices');
      assert.deepEqual(response.sensors.map((sensor) => sensor.sensor_id).sort(), devices.map((device) => device.sensor_id).sort(), 'ListSensors lists the device registry');
      assert.ok(devices.length > 0);
    } finally {
      client.close();
    }
  } finally {
    reflection.close();
  }
});
