import { z } from 'zod';
import { envVar, parseEnv } from '@iot/runtime';

const schema = z.object({
  KAFKA_BROKERS: envVar.brokers('127.0.0.1:9092'),
  SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:8081/apis/ccompat/v7'),
  METRICS_PORT: envVar.portOrOff(9465),
  PROCESSOR_GROUP_ID: z.string().min(1).default('iot-stream-processor'),
  /** Readings up to this late (after their window's end, in stream time) still count. */
  WINDOW_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** A partition idle this long closes its windows by the wall clock. */
  PARTITION_IDLE_MS: z.coerce.number().int().positive().default(5_000),
  LOG_LEVEL: envVar.logLevel(),
});

export type ProcessorConfig = ReturnType<typeof loadConfig>;
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => parseEnv('stream-processor', schema, env);
