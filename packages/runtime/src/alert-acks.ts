import type { Producer } from 'kafkajs';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { ALERT_ACKS_TOPIC, AVRO_SCHEMAS, parseAlertId, SENSOR_READINGS_TOPIC, type AlertAck } from '@iot/contracts';
import { registerSchema } from './kafka.ts';

/** An acknowledgement to write, with the sensor it is keyed by (the alertId's sensorId). */
export type AlertAckRequest = AlertAck & { sensorId: string };

/** Where Kafka put the record on iot.alert-acks (the offset as kafkajs reports it, a decimal string). */
export interface AlertAckPosition {
  partition: number;
  offset: string;
}

/**
 * Writes one acknowledgement to iot.alert-acks and resolves once Kafka acknowledged it (acks=all).
 * `registerSchemas()` registers the key and value schemas ahead of the first write (each write
 * otherwise does it once, lazily); a failed registration is retried by the next call.
 */
export interface AlertAckWriter {
  (ack: AlertAckRequest): Promise<AlertAckPosition>;
  registerSchemas(): Promise<void>;
}

interface SchemaIds {
  key: number;
  value: number;
}

/**
 * The writer of iot.alert-acks records, over a producer the caller creates, connects and
 * disconnects (a one-shot command and a long-running service want different retries).
 *
 * The key is the sensorId encoded exactly as on iot.sensor-readings (same subject, same schema
 * id, same bytes), so the murmur2 partitioner puts it in the partition number of the sensor's
 * readings: the stream processor task holding the alert gets it. The processor rejects an ack
 * whose key is not its alertId's sensorId, so such an ack is refused here before it is sent.
 */
export function createAlertAckWriter(producer: Producer, registry: SchemaRegistry, registryUrl: string): AlertAckWriter {
  let ids: Promise<SchemaIds> | undefined;
  const schemaIds = (): Promise<SchemaIds> => {
    ids ??= (async () => {
      const key = await registerSchema(registryUrl, SENSOR_READINGS_TOPIC, 'key', AVRO_SCHEMAS.sensorIdKey);
      const value = await registerSchema(registryUrl, ALERT_ACKS_TOPIC, 'value', AVRO_SCHEMAS.alertAck);
      return { key, value };
    })();
    ids.catch(() => {
      ids = undefined; // not cached: the next call tries again
    });
    return ids;
  };

  const write = async (ack: AlertAckRequest): Promise<AlertAckPosition> => {
    const id = parseAlertId(ack.alertId);
    if (!id) throw new Error(`alertId ${JSON.stringify(ack.alertId)} is not sensorId/RULE/openedAt`);
    if (id.sensorId !== ack.sensorId) throw new Error(`sensorId ${JSON.stringify(ack.sensorId)} differs from the alertId's ${JSON.stringify(id.sensorId)}`);
    const { key, value } = await schemaIds();
    const record: AlertAck = { alertId: ack.alertId, acknowledgedBy: ack.acknowledgedBy, requestedAt: ack.requestedAt };
    const [sent] = await producer.send({
      topic: ALERT_ACKS_TOPIC,
      acks: -1,
      messages: [{ key: await registry.encode(key, ack.sensorId), value: await registry.encode(value, record) }],
    });
    if (!sent) throw new Error(`Kafka returned no position for the record sent to ${ALERT_ACKS_TOPIC}`);
    return { partition: sent.partition, offset: sent.baseOffset ?? '' };
  };

  return Object.assign(write, {
    registerSchemas: async () => {
      await schemaIds();
    },
  });
}
