import type { KafkaMessage } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { decodeFramedParts, type FrameRejectionKind } from '@iot/runtime';
import { invalidReading, parseAlertId, parseDeviceRow, type AlertAck, type AlertRule, type Device, type ReadingRejectionKind, type SensorReading } from '@iot/contracts';

/** Why a record cannot be processed: a fixed category (a metric label and the `dlq.kind` header). */
export type RejectionKind =
  | 'missing-key'
  | 'missing-value'
  | FrameRejectionKind // bad-magic-byte, unknown-schema, undecodable
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
  const decoded = await decodeFramedParts(registry, [['key', message.key], ['value', message.value]]);
  if (!decoded.ok) return reject(decoded.kind, decoded.reason);
  const [key, value] = decoded.values;
  return { ok: true, key, value };
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
  const decoded = await decodeFramedParts(registry, [['value', message.value]]);
  if (!decoded.ok) return reject(decoded.kind, decoded.reason);
  const parsed = parseDeviceRow(sensorId, decoded.values[0]);
  return parsed.ok ? { ok: true, sensorId, device: parsed.device } : reject('invalid-field', parsed.reason);
}
