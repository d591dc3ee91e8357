import { z } from 'zod';
import { envVar, parseEnv } from '@iot/runtime';

const schema = z.object({
  KAFKA_BROKERS: envVar.brokers('127.0.0.1:9092'),
  SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:8081/apis/ccompat/v7'),
  METRICS_PORT: envVar.portOrOff(9464),
  /** Readings per second over the whole fleet. */
  PRODUCER_RATE: z.coerce.number().positive().max(1_000_000).default(20),
  /** A fleet JSON file; default: the built-in demo fleet. */
  FLEET_FILE: z.string().optional(),
  SEED: z.coerce.number().int().default(42),
  LOG_LEVEL: envVar.logLevel(),
});

export type ProducerConfig = ReturnType<typeof loadConfig>;
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => parseEnv('producers', schema, env);
