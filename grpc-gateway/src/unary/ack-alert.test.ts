import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Alert, AlertAck } from '@iot/contracts';
import { loadPipelineProto, type AckAlertRequest__Output, type AckAlertResponse, type AckAlertResponse__Output } from '@iot/contracts/grpc';
import type { Logger } from '@iot/runtime';
import { ackAlertHandler, validateAckAlert, type AckAlertDeps } from './ack-alert.ts';
import { RpcError } from '../grpc-errors.ts';

const ALERT_ID = 'plant-a-temperature-1/RANGE/1795434132889';
const alert = (fields: Partial<Alert> = {}): Alert => ({
  alertId: ALERT_ID, sensorId: 'plant-a-temperature-1', sensorType: 'temperature', siteId: 'plant-a', rule: 'RANGE', severity: 'WARNING', state: 'OPEN',
  triggerValue: 48, peakValue: 49, threshold: 45, openedAt: 1_795_434_132_889, lastSeenAt: 1_795_434_140_000, clearedAt: null, acknowledgedAt: null,
  acknowledgedBy: null, message: 'value 48 °C is above the maximum 45 °C', ...fields,
});

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
}
function fakeDeps(current: Alert | undefined, write: AckAlertDeps['writeAck'] = async () => ({ partition: 4, offset: '1234' })) {
  const writes: Array<AlertAck & { sensorId: string }> = [];
  const lookups: string[] = [];
  const logs: LogLine[] = [];
  const at = (level: string) => (fields: Record<string, unknown>) => logs.push({ level, fields });
  const deps: AckAlertDeps = {
    currentAlert: (alertId) => (lookups.push(alertId), current),
    writeAck: async (ack) => (writes.push(ack), write(ack)),
    logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as unknown as Logger,
  };
  return { deps, writes, lookups, logs };
}

interface Answer {
  error: Partial<grpc.StatusObject> | null;
  value: AckAlertResponse | null | undefined;
}
function invoke(deps: AckAlertDeps, request: AckAlertRequest__Output, deadline: grpc.Deadline = Infinity): Promise<Answer> {
  const handler = ackAlertHandler(deps);
  return new Promise((resolve) => {
    const call = { request, getDeadline: () => deadline, metadata: new grpc.Metadata() } as unknown as grpc.ServerUnaryCall<AckAlertRequest__Output, AckAlertResponse>;
    handler(call, (error, value) => resolve({ error, value }));
  });
}

test('validation: alert_id must be sensorId/RULE/openedAt, acknowledged_by 1 to 100 characters after trimming', async () => {
  const cases: Array<[AckAlertRequest__Output, RegExp]> = [
    [{ alertId: '', acknowledgedBy: 'ann' }, /^alert_id: must not be empty \(expected sensorId\/RULE\/openedAt/],
    [{ alertId: 'plant-a-temperature-1', acknowledgedBy: 'ann' }, /^alert_id: "plant-a-temperature-1" is not an alert id \(expected sensorId\/RULE\/openedAt, e\.g\. /],
    [{ alertId: 'plant-a-temperature-1/NOISE/1795434132889', acknowledgedBy: 'ann' }, /^alert_id: .* is not an alert id \(expected sensorId\/RULE\/openedAt/],
    [{ alertId: 'plant-a-temperature-1/RANGE/yesterday', acknowledgedBy: 'ann' }, /^alert_id: .* is not an alert id/],
    [{ alertId: ALERT_ID, acknowledgedBy: '' }, /^acknowledged_by: must not be empty$/],
    [{ alertId: ALERT_ID, acknowledgedBy: ' \t\n ' }, /^acknowledged_by: must not be empty$/],
    [{ alertId: ALERT_ID, acknowledgedBy: 'x'.repeat(101) }, /^acknowledged_by: at most 100 characters, got 101$/],
  ];
  for (const [request, message] of cases) {
    const { deps, writes, lookups } = fakeDeps(alert());
    const { error, value } = await invoke(deps, request);
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(request));
    assert.match(error?.details ?? '', message);
    assert.equal(value, undefined);
    assert.deepEqual([writes, lookups], [[], []], 'nothing looked up or written');
  }
  // The limits themselves are fine; characters are counted, not UTF-16 units; the name is trimmed.
  assert.equal(validateAckAlert({ alertId: ALERT_ID, acknowledgedBy: 'x'.repeat(100) }).acknowledgedBy.length, 100);
  assert.equal(validateAckAlert({ alertId: ALERT_ID, acknowledgedBy: '🔧'.repeat(100) }).acknowledgedBy, '🔧'.repeat(100));
  assert.throws(() => validateAckAlert({ alertId: ALERT_ID, acknowledgedBy: '🔧'.repeat(101) }), (e: unknown) => e instanceof RpcError && /got 101/.test(e.message));
  assert.deepEqual(validateAckAlert({ alertId: ALERT_ID, acknowledgedBy: `  ${'y'.repeat(100)}  ` }), { alertId: ALERT_ID, sensorId: 'plant-a-temperature-1', acknowledgedBy: 'y'.repeat(100) });
  assert.equal(validateAckAlert({ alertId: 'site/with/slashes/ZSCORE/1', acknowledgedBy: 'a' }).sensorId, 'site/with/slashes');
});

test('an alert the gateway does not know is NOT_FOUND; nothing is written', async () => {
  const { deps, writes, lookups } = fakeDeps(undefined);
  const { error } = await invoke(deps, { alertId: ALERT_ID, acknowledgedBy: 'ann' });
  assert.equal(error?.code, grpc.status.NOT_FOUND);
  assert.equal(error?.details, `no alert ${ALERT_ID} in the gateway's view of iot.alerts (unknown, expired, or replaced by a newer occurrence with another id)`);
  assert.deepEqual(lookups, [ALERT_ID]);
  assert.deepEqual(writes, []);
});

test('an alert that is not OPEN is FAILED_PRECONDITION saying its state; nothing is written', async () => {
  const cases: Array<[Alert, string]> = [
    [alert({ state: 'ACKNOWLEDGED', acknowledgedBy: 'bob', acknowledgedAt: 1_795_434_150_000 }), `alert ${ALERT_ID} is ACKNOWLEDGED by bob, not OPEN: only an OPEN alert can be acknowledged`],
    [alert({ state: 'CLEARED', clearedAt: 1_795_434_160_000 }), `alert ${ALERT_ID} is CLEARED, not OPEN: only an OPEN alert can be acknowledged`],
  ];
  for (const [current, message] of cases) {
    const { deps, writes } = fakeDeps(current);
    const { error } = await invoke(deps, { alertId: ALERT_ID, acknowledgedBy: 'ann' });
    assert.equal(error?.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(error?.details, message);
    assert.deepEqual(writes, []);
  }
});

test('an OPEN alert: the ack is written keyed by its sensor, with the trimmed name, and the answer is its position on iot.alert-acks', async () => {
  const { deps, writes, logs } = fakeDeps(alert());
  const before = Date.now();
  const { error, value } = await invoke(deps, { alertId: ALERT_ID, acknowledgedBy: '  ann  ' });
  assert.equal(error, null);
  assert.deepEqual(value, { position: { topic: 'iot.alert-acks', partition: 4, offset: 1234 } });
  assert.equal(writes.length, 1);
  const [written] = writes;
  assert.deepEqual({ ...written, requestedAt: 0 }, { alertId: ALERT_ID, acknowledgedBy: 'ann', sensorId: 'plant-a-temperature-1', requestedAt: 0 });
  assert.ok(written!.requestedAt >= before && written!.requestedAt <= Date.now());
  assert.ok(logs.some((line) => line.level === 'info' && line.fields.alertId === ALERT_ID && line.fields.offset === '1234'));
});

test('a failed write is UNAVAILABLE (retry is safe), logged with the error, the Kafka details not sent to the client', async () => {
  const failure = Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSNumberOfRetriesExceeded' });
  const { deps, logs } = fakeDeps(alert(), async () => {
    throw failure;
  });
  const { error } = await invoke(deps, { alertId: ALERT_ID, acknowledgedBy: 'ann' });
  assert.equal(error?.code, grpc.status.UNAVAILABLE);
  assert.match(error?.details ?? '', /could not write the acknowledgement to iot\.alert-acks/);
  assert.doesNotMatch(error?.details ?? '', /9092|ECONNREFUSED/);
  assert.ok(logs.some((line) => line.level === 'error' && line.fields.err === failure && line.fields.alertId === ALERT_ID));
});

test('a call whose deadline has passed is DEADLINE_EXCEEDED, and nothing is written', async () => {
  const { deps, writes } = fakeDeps(alert());
  const { error } = await invoke(deps, { alertId: ALERT_ID, acknowledgedBy: 'ann' }, Date.now() - 1);
  assert.equal(error?.code, grpc.status.DEADLINE_EXCEEDED);
  assert.deepEqual(writes, []);
});

test('over a real gRPC connection (the service definition, proto serialization, a client deadline)', async () => {
  const proto = loadPipelineProto(grpc);
  const states = new Map<string, Alert>([[ALERT_ID, alert()], ['b-1/SILENCE/5', alert({ alertId: 'b-1/SILENCE/5', sensorId: 'b-1', rule: 'SILENCE', state: 'CLEARED' })]]);
  const { deps, writes } = fakeDeps(undefined, async () => ({ partition: 5, offset: '9007199254740000' }));
  deps.currentAlert = (alertId) => states.get(alertId);
  const server = new grpc.Server();
  server.addService(proto.iot.v1.PipelineService.service, { AckAlert: ackAlertHandler(deps) });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  const client = new proto.iot.v1.PipelineService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const ack = (alertId: string, acknowledgedBy: string) =>
    new Promise<{ error: grpc.ServiceError | null; value: AckAlertResponse__Output | undefined }>((resolve) =>
      client.AckAlert({ alertId, acknowledgedBy }, { deadline: Date.now() + 5000 }, (error, value) => resolve({ error, value })),
    );
  try {
    const ok = await ack(ALERT_ID, 'ann');
    assert.equal(ok.error, null);
    assert.deepEqual(ok.value, { position: { topic: 'iot.alert-acks', partition: 5, offset: 9007199254740000 } });
    const cleared = await ack('b-1/SILENCE/5', 'ann');
    assert.equal(cleared.error?.code, grpc.status.FAILED_PRECONDITION);
    assert.match(cleared.error?.details ?? '', /is CLEARED, not OPEN/);
    const bad = await ack('nonsense', 'ann');
    assert.equal(bad.error?.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(writes.length, 1);
  } finally {
    client.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  }
});
