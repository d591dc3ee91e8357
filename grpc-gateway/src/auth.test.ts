import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { LOCAL_GATEWAY_TOKEN } from '@iot/contracts';
import { loadPipelineProto, type PipelineServiceHandlers } from '@iot/contracts/grpc';
import type { Logger } from '@iot/runtime';
import { MALFORMED_AUTHORIZATION, MISSING_AUTHORIZATION, UNKNOWN_TOKEN, withAuth } from './auth.ts';

const TOKEN = 'a-test-token-of-some-length';

function fakeLogger(): Logger & { lines: unknown[][] } {
  const lines: unknown[][] = [];
  const logger = { lines, warn: (...args: unknown[]) => lines.push(args), child: () => logger };
  return logger as unknown as Logger & { lines: unknown[][] };
}

function metadata(authorization?: string): grpc.Metadata {
  const result = new grpc.Metadata();
  if (authorization !== undefined) result.set('authorization', authorization);
  return result;
}

/** A fake call: what grpc-js hands a handler, as far as withAuth uses it. */
function fakeCall(authorization?: string) {
  return Object.assign(new EventEmitter(), { metadata: metadata(authorization), getPeer: () => 'ipv4:127.0.0.1:5555' });
}

/** Real handlers that record that they ran. */
function recordingHandlers() {
  const ran: string[] = [];
  const handlers = {
    ListSensors: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      ran.push('ListSensors');
      callback(null, { sensors: [] });
    },
    StreamWindowCounts: () => void ran.push('StreamWindowCounts'),
    IngestReadings: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      ran.push('IngestReadings');
      callback(null, { accepted: 0 });
    },
  } as unknown as PipelineServiceHandlers;
  return { ran, handlers };
}

type Wrapped = (call: unknown, callback?: (error: unknown, value?: unknown) => void) => void;

/** Calls a wrapped method the way grpc-js would; resolves with how the call ended. */
function invoke(handlers: PipelineServiceHandlers, method: string, authorization?: string): Promise<{ error: unknown; value?: unknown }> {
  const handler = handlers[method] as unknown as Wrapped;
  const call = fakeCall(authorization);
  return new Promise((resolve) => {
    if (method === 'StreamWindowCounts') {
      // Server streaming: no callback; grpc-js turns an 'error' event into the call's status.
      call.on('error', (error) => resolve({ error }));
      handler(call);
      setImmediate(() => resolve({ error: null }));
    } else {
      handler(call, (error, value) => resolve({ error, value }));
    }
  });
}

for (const method of ['ListSensors', 'StreamWindowCounts', 'IngestReadings']) {
  test(`${method}: no authorization metadata is UNAUTHENTICATED, and the handler does not run`, async () => {
    const { ran, handlers } = recordingHandlers();
    const logger = fakeLogger();
    const { error } = await invoke(withAuth(handlers, [TOKEN], logger), method);
    assert.deepEqual(error, { code: grpc.status.UNAUTHENTICATED, details: MISSING_AUTHORIZATION });
    assert.deepEqual(ran, []);
    assert.equal(logger.lines.length, 1, 'the refusal is logged');
    assert.doesNotMatch(JSON.stringify(logger.lines), new RegExp(TOKEN));
  });

  test(`${method}: an unknown or malformed token is UNAUTHENTICATED`, async () => {
    const { ran, handlers } = recordingHandlers();
    const guarded = withAuth(handlers, [TOKEN], fakeLogger());
    assert.deepEqual((await invoke(guarded, method, 'Bearer not-the-token')).error, { code: grpc.status.UNAUTHENTICATED, details: UNKNOWN_TOKEN });
    assert.deepEqual((await invoke(guarded, method, `Bearer ${TOKEN}x`)).error, { code: grpc.status.UNAUTHENTICATED, details: UNKNOWN_TOKEN }, 'a longer token');
    assert.deepEqual((await invoke(guarded, method, `Bearer ${TOKEN.slice(0, -1)}`)).error, { code: grpc.status.UNAUTHENTICATED, details: UNKNOWN_TOKEN }, 'a prefix');
    assert.deepEqual((await invoke(guarded, method, TOKEN)).error, { code: grpc.status.UNAUTHENTICATED, details: MALFORMED_AUTHORIZATION }, 'no scheme');
    assert.deepEqual((await invoke(guarded, method, `Basic ${TOKEN}`)).error, { code: grpc.status.UNAUTHENTICATED, details: MALFORMED_AUTHORIZATION });
    assert.deepEqual(ran, []);
  });

  test(`${method}: a known token reaches the real handler`, async () => {
    const { ran, handlers } = recordingHandlers();
    const guarded = withAuth(handlers, ['another-token-16-chars', TOKEN], fakeLogger());
    const { error } = await invoke(guarded, method, `Bearer ${TOKEN}`);
    assert.equal(error, null);
    await invoke(guarded, method, `bearer  ${TOKEN}`); // the scheme is case-insensitive
    assert.deepEqual(ran, [method, method]);
  });
}

test('withAuth refuses an empty token list', () => {
  assert.throws(() => withAuth(recordingHandlers().handlers, [], fakeLogger()), /no tokens/);
});

test('over a real server: UNAUTHENTICATED with the message, then OK with the token', async (t) => {
  const server = new grpc.Server();
  const proto = loadPipelineProto(grpc);
  const handlers = {
    StreamWindowCounts: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
    IngestReadings: (call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      call.on('data', () => {});
      call.on('end', () => callback(null, { accepted: 0, rejected: 0 }));
    },
  } as unknown as PipelineServiceHandlers;
  server.addService(proto.iot.v1.PipelineService.service, withAuth(handlers, [LOCAL_GATEWAY_TOKEN], fakeLogger()));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const client = new proto.iot.v1.PipelineService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  t.after(() => {
    client.close();
    server.forceShutdown();
  });

  const ingest = (md: grpc.Metadata) =>
    new Promise<{ error: grpc.ServiceError | null }>((resolve) => {
      const stream = client.IngestReadings(md, (error) => resolve({ error }));
      stream.end();
    });
  const refused = await ingest(new grpc.Metadata());
  assert.equal(refused.error?.code, grpc.status.UNAUTHENTICATED);
  assert.equal(refused.error?.details, MISSING_AUTHORIZATION);
  assert.equal((await ingest(metadata(`Bearer ${LOCAL_GATEWAY_TOKEN}`))).error, null);

  const streamStatus = (md: grpc.Metadata) =>
    new Promise<grpc.StatusObject>((resolve) => {
      const stream = client.StreamWindowCounts({}, md);
      stream.on('data', () => {});
      stream.on('error', () => {});
      stream.on('status', resolve);
    });
  const streamRefused = await streamStatus(metadata('Bearer wrong-token-wrong-token'));
  assert.equal(streamRefused.code, grpc.status.UNAUTHENTICATED);
  assert.equal(streamRefused.details, UNKNOWN_TOKEN);
  assert.equal((await streamStatus(metadata(`Bearer ${LOCAL_GATEWAY_TOKEN}`))).code, grpc.status.OK);
});
