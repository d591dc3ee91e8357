import { ALERT_RULES, ALERT_SEVERITIES, ALERT_STATES, type Alert, type AlertKey } from '@iot/contracts';

/** Decodes one Confluent-framed Avro payload (magic byte, schema id, body), e.g. SchemaRegistry#decode. */
export type Decode = (payload: Buffer) => Promise<unknown>;

/** Where a record sits, as kafkajs reports it (offsets and timestamps are decimal strings). */
export interface RecordSource {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

interface Position {
  readonly key: AlertKey;
  readonly partition: number;
  readonly offset: number;
  /** The Kafka record's own timestamp (epoch ms). */
  readonly timestamp: number;
}

/** One record of iot.alerts: the alert's current state, or a tombstone (the cleared alert expired). */
export type AlertRecord = (Position & { readonly kind: 'alert'; readonly alert: Alert }) | (Position & { readonly kind: 'tombstone' });

/** A record that is not a framed Avro AlertKey / Alert; the message says what is wrong. */
export class UndecodableRecord extends Error {
  override name = 'UndecodableRecord';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): value is T => typeof value === 'string' && (allowed as readonly string[]).includes(value);

function toKey(value: unknown): AlertKey {
  if (!isObject(value) || typeof value.sensorId !== 'string') throw new UndecodableRecord('key is not an iot.v1.AlertKey');
  if (!oneOf(value.rule, ALERT_RULES)) throw new UndecodableRecord(`key rule ${JSON.stringify(value.rule)} is not one of ${ALERT_RULES.join(', ')}`);
  return { sensorId: value.sensorId, rule: value.rule };
}

const STRING_FIELDS = ['alertId', 'sensorId', 'sensorType', 'siteId', 'message'] as const;
const NUMBER_FIELDS = ['triggerValue', 'peakValue', 'threshold', 'openedAt', 'lastSeenAt'] as const;

function toAlert(value: unknown): Alert {
  if (!isObject(value)) throw new UndecodableRecord('value is not an iot.v1.Alert');
  const bad = [
    ...STRING_FIELDS.filter((field) => typeof value[field] !== 'string'),
    ...NUMBER_FIELDS.filter((field) => typeof value[field] !== 'number'),
    ...(oneOf(value.rule, ALERT_RULES) ? [] : ['rule']),
    ...(oneOf(value.severity, ALERT_SEVERITIES) ? [] : ['severity']),
    ...(oneOf(value.state, ALERT_STATES) ? [] : ['state']),
    ...(['clearedAt', 'acknowledgedAt'] as const).filter((field) => !(value[field] === null || value[field] === undefined || typeof value[field] === 'number')),
    ...(value.acknowledgedBy === null || value.acknowledgedBy === undefined || typeof value.acknowledgedBy === 'string' ? [] : ['acknowledgedBy']),
  ];
  if (bad.length > 0) throw new UndecodableRecord(`value is not an iot.v1.Alert (bad or missing: ${bad.join(', ')})`);
  const alert = value as unknown as Alert;
  // A plain object in schema order, whatever class the decoder built.
  return {
    alertId: alert.alertId,
    sensorId: alert.sensorId,
    sensorType: alert.sensorType,
    siteId: alert.siteId,
    rule: alert.rule,
    severity: alert.severity,
    state: alert.state,
    triggerValue: alert.triggerValue,
    peakValue: alert.peakValue,
    threshold: alert.threshold,
    openedAt: alert.openedAt,
    lastSeenAt: alert.lastSeenAt,
    clearedAt: alert.clearedAt,
    // Absent on alerts written before acknowledgements existed.
    acknowledgedAt: alert.acknowledgedAt ?? null,
    acknowledgedBy: alert.acknowledgedBy ?? null,
    message: alert.message,
  };
}

async function decodePart(decode: Decode, part: 'key' | 'value', payload: Buffer): Promise<unknown> {
  try {
    return await decode(payload);
  } catch (error) {
    throw new UndecodableRecord(`cannot decode the ${part}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Decodes and checks one record of iot.alerts; throws UndecodableRecord when it is not one. */
export async function decodeAlertRecord(decode: Decode, source: RecordSource): Promise<AlertRecord> {
  if (!source.key) throw new UndecodableRecord('record has no key');
  const position = {
    key: toKey(await decodePart(decode, 'key', source.key)),
    partition: source.partition,
    offset: Number(source.offset),
    timestamp: Number(source.timestamp),
  };
  if (source.value === null) return { ...position, kind: 'tombstone' };
  return { ...position, kind: 'alert', alert: toAlert(await decodePart(decode, 'value', source.value)) };
}
