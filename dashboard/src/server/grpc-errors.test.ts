import assert from 'node:assert/strict';
import { test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { ConfigError } from './config.ts';
import { describeGrpcError, redactAddresses } from './grpc-errors.ts';

const grpcError = (code: status, details: string) => Object.assign(new Error(details), { code, details });

test('a gRPC error becomes CODE: details on one line, with its HTTP status and retriability', () => {
  assert.deepEqual(describeGrpcError(grpcError(status.NOT_FOUND, 'no alert x/RANGE/1\nin the view')), {
    code: 'NOT_FOUND',
    message: 'NOT_FOUND: no alert x/RANGE/1 in the view',
    retriable: false,
    httpStatus: 404,
  });
  assert.equal(describeGrpcError(grpcError(status.FAILED_PRECONDITION, 'not OPEN')).httpStatus, 400);
  assert.equal(describeGrpcError(grpcError(status.UNAVAILABLE, 'down')).httpStatus, 503);
  assert.equal(describeGrpcError(grpcError(status.UNAVAILABLE, 'down')).retriable, true);
});

test("the gateway's address never reaches the browser: grpc-js connection errors are redacted", () => {
  const examples = [
    'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:50051 (2026-12-01T18:00:00.000Z)',
    'Name resolution failed for target dns:grpc-gateway.internal:50051',
    'connect ECONNREFUSED [::1]:50051',
    'Failed to connect to ipv4:10.1.2.3:50051',
  ];
  for (const details of examples) {
    const { message } = describeGrpcError(grpcError(status.UNAVAILABLE, details));
    assert.ok(message.startsWith('UNAVAILABLE: '), message);
    for (const secret of ['127.0.0.1', '50051', 'grpc-gateway.internal', '::1', '10.1.2.3']) assert.ok(!message.includes(secret), `${secret} in ${message}`);
  }
  assert.equal(redactAddresses('at gw.example:7000 and gw.example', 'gw.example:7000'), 'at <gateway> and <gateway>');
  assert.equal(redactAddresses('resume_cursor: "0:17" is not partition:offset', 'gw:1'), 'resume_cursor: "0:17" is not partition:offset', 'cursor text stays');
});

test('errors from outside gRPC keep their values out of the message', () => {
  const config = describeGrpcError(new ConfigError('Invalid dashboard configuration: GATEWAY_ADDRESS="secret-host:1": must be host:port'));
  assert.ok(!config.message.includes('secret-host'), config.message);
  assert.match(config.message, /^ConfigError: /);
  const original = console.error;
  console.error = () => {}; // logged on the server; not needed here
  try {
    const other = describeGrpcError(new TypeError('token abc leaked'));
    assert.equal(other.message, 'TypeError: unexpected error in the dashboard (see its log)');
  } finally {
    console.error = original;
  }
});
