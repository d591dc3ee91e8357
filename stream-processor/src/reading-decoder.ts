import type { KafkaMessage } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { invalidReading, parseAlertId, parseDeviceRow, type AlertAck, type AlertRule, type Device, type ReadingRejectionKind, type SensorReading } from '@iot/contracts';

/** Why a record cannot be processed: a fixed category (a metric label and the `dlq.kind` header). */
export type RejectionKind =
  | 'missing-key'
  | 'missing-value'
  | 'bad-magic-byte'
  | 'unknown-schema'
  | 'undecodable'
  | 'key-mismatch'
  // invalid-field, invalid-value, invalid-timestamp: the shared reading checks (`invalidReading`).
  | ReadingRejectionKind;

export interface Rejection {
  readonly kind: RejectionKind;
  /** The full explanation, for people (the `dlq.reason` header). */
  readonly reason: string;
}

type Rejected = { ok: false; rejection: Rejection };
export type Decoded = { ok: true; reading: SensorReading } | Rejected;

const MAGIC_BYTE = 0;

const reject = (kind: RejectionKind, reason: string): Rejected => ({ ok: false, rejection: { kind, reason } });

/**
 * Turns a record of iot.sensor-readings into a reading, or says exactly why it cannot be one:
 * Confluent framing (magic byte 0, 4-byte schema id), a schema the registry knows, Avro that
 * decodes, a key equal to the reading's sensorId (else the sensor's state would be split over
 * partitions), and the field checks of `invalidReading` (from @iot/contracts: the gRPC gateway
 * applies the same ones). Throws only when the registry cannot be asked, which is not the
 * record's fault.
 */
export async function decodeReading(registry: SchemaRegistry, message: KafkaMessage, now: number): Promise<Decoded> {
  const framed = await decodeFramed(registry, message);
  if (!framed.ok) return framed;
  const reading = framed.value as SensorReading;
  const invalid = invalidReading(reading, now);
  if (invalid) return { ok: false, rejection: invalid };
  if (framed.key !== reading.sensorId) return reject('key-mismatch', `key ${JSON.stringify(framed.key)} differs from sensorId ${JSON.stringify(reading.sensorId)}`);
  return { ok: true, reading };
}

/** Key and value present, framed, with schemas the registry knows, and decodable. */
async function decodeFramed(registry: SchemaRegistry, message: KafkaMessage): Promise<{ ok: true; key: unknown; value: unknown } | Rejected> {
  if (!message.key || message.key.length === 0) return reject('missing-key', 'record has no key (the key must be the sensorId)');
  if (!message.value) return reject('missing-value', 'record has no value (a tombstone on an input topic)');
  for (const [part, bytes] of [['key', message.key], ['value', message.value]] as const) {
    const framing = framingProblem(bytes, part);
    if (framing) return { ok: false, rejection: framing };
  }
  for (const [part, bytes] of [['key', message.key], ['value', message.value]] as const) {
    const unknown = await unknownSchema(registry, bytes, part);
    if (unknown) return unknown;
  }
  let key: unknown;
  try {
    key = await registry.decode(message.key);
  } catch (error) {
    return reject('undecodable', `key does not decode with its schema: ${(error as Error).message}`);
  }
  try {
    return { ok: true, key, value: await registry.decode(message.value) };
  } catch (error) {
    return reject('undecodable', `value does not decode with its schema: ${(error as Error).message}`);
  }
}

/** A rejection when the registry does not know the frame's schema id; throws when the registry cannot be asked. */
async function unknownSchema(registry: SchemaRegistry, bytes: Buffer, part: 'key' | 'value'): Promise<Rejected | undefined> {
  const schemaId = bytes.readInt32BE(1);
  try {
    await registry.getSchema(schemaId);
    return undefined;
  } catch (error) {
    // Only "not found" is the record's fault; an unreachable registry is ours: throw, and retry the batch.
    if ((error as { status?: number }).status !== 404) throw error;
    return reject('unknown-schema', `${part} schema id ${schemaId} is not in the schema registry`);
  }
}

function framingProblem(bytes: Buffer, part: 'key' | 'value'): Rejection | undefined {
  if (bytes.length < 5) return { kind: 'undecodable', reason: `${part} is ${bytes.length} bytes, too short for a schema registry frame (magic byte + 4-byte schema id)` };
  if (bytes[0] !== MAGIC_BYTE) return { kind: 'bad-magic-byte', reason: `${part} starts with byte 0x${bytes[0]!.toString(16).padStart(2, '0')}, not the schema registry magic byte 0x00` };
  return undefined;
}

export type DecodedAck = { ok: true; sensorId: string; rule: AlertRule; ack: AlertAck } | Rejected;

/**
 * Turns a record of iot.alert-acks into an acknowledgement: the same framing and registry checks
 * as a reading, an alertId of the form sensorId/RULE/openedAt, and a key equal to its sensorId
 * (so the ack reached the partition holding that sensor's alerts).
 */
export async function decodeAlertAck(registry: SchemaRegistry, message: KafkaMessage): Promise<DecodedAck> {
  const framed = await decodeFramed(registry, message);
  if (!framed.ok) return framed;
  const ack = framed.value as Partial<AlertAck> | null;
  if (ack === null || typeof ack !== 'object' || typeof ack.alertId !== 'string' || typeof ack.acknowledgedBy !== 'string' || typeof ack.requestedAt !== 'number') {
    return reject('invalid-field', 'value is not an AlertAck (alertId, acknowledgedBy, requestedAt)');
  }
  const id = parseAlertId(ack.alertId);
  if (!id) return reject('invalid-field', `alertId ${JSON.stringify(ack.alertId)} is not sensorId/RULE/openedAt`);
  if (framed.key !== id.sensorId) return reject('key-mismatch', `key ${JSON.stringify(framed.key)} differs from the alert's sensorId ${JSON.stringify(id.sensorId)}`);
  return { ok: true, sensorId: id.sensorId, rule: id.rule, ack: ack as AlertAck };
}

export type DecodedDevice = { ok: true; sensorId: string; device: Device | null } | Rejected;

/**
 * Turns a record of iot.devices (Debezium CDC of the devices table) into a device: a plain
 * string key (the sensor id), an Avro value in the registry's framing that passes the
 * contract's checks, or no value at all, a tombstone for a deleted row (device: null).
 */
export async function decodeDevice(registry: SchemaRegistry, message: KafkaMessage): Promise<DecodedDevice> {
  if (!message.key || message.key.length === 0) return reject('missing-key', 'record has no key (the key must be the sensor id)');
  const sensorId = message.key.toString('utf8');
  if (!message.value) return { ok: true, sensorId, device: null };
  const problem = framingProblem(message.value, 'value') ?? (await unknownSchema(registry, message.value, 'value'))?.rejection;
  if (problem) return { ok: false, rejection: problem };
  let row: unknown;
  try {
    row = await registry.decode(message.value);
  } catch (error) {
    return reject('undecodable', `value does not decode with its schema: ${(error as Error).message}`);
  }
  const parsed = parseDeviceRow(sensorId, row);
  return parsed.ok ? { ok: true, sensorId, device: parsed.device } : reject('invalid-field', parsed.reason);
}
