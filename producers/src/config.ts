import { z } from 'zod';
import { envVar, parseEnv } from '@iot/runtime';

const schema = z.object({
  KAFKA_BROKERS: envVar.brokers('127.0.0.1:9092'),
  SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:8081/apis/ccompat/v7'),
  METRICS_PORT: envVar.portOrOff(9464),
  /** Readings per second over the whole fleet (scales every sensor's interval); default: the sensors' own intervals. */
  PRODUCER_RATE: z.coerce.number().positive().max(1_000_000).optional(),
  /** A fleet file (YAML or JSON); default: the built-in demo fleet. */
  FLEET_FILE: z.string().optional(),
  /** Faults to inject: a built-in scenario name (`demo`: alerts open and clear every few minutes), a YAML/JSON file, or `none`. */
  SCENARIO: z.string().min(1).default('demo'),
  SEED: z.coerce.number().int().default(42),
  LOG_LEVEL: envVar.logLevel(),
});

export type ProducerConfig = ReturnType<typeof loadConfig>;
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => parseEnv('producers', schema, env);
