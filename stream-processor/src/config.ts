import { z } from 'zod';
import { envVar, parseEnv } from '@iot/runtime';

const schema = z.object({
  KAFKA_BROKERS: envVar.brokers('127.0.0.1:9092'),
  SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:8081/apis/ccompat/v7'),
  METRICS_PORT: envVar.portOrOff(9465),
  /** Consumer group id; also the prefix of the transactional ids and of the state changelog topic. */
  PROCESSOR_GROUP_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ - only').default('iot-stream-processor'),
  /** Readings up to this late (after their window's end, in stream time) still count. */
  WINDOW_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** A partition idle this long closes its windows by the wall clock. */
  PARTITION_IDLE_MS: z.coerce.number().int().positive().default(5_000),
  /** At most one non-final update per window per this many ms. */
  WINDOW_UPDATE_INTERVAL_MS: z.coerce.number().int().min(0).default(1_000),
  /** How often each partition's work commits, in one transaction. */
  COMMIT_INTERVAL_MS: z.coerce.number().int().positive().default(100),
  /** A JSON file of detector rules (see alert-rules.ts); unset: the built-in defaults. */
  ALERT_RULES_FILE: z.string().min(1).optional(),
  LOG_LEVEL: envVar.logLevel(),
});

export type ProcessorConfig = ReturnType<typeof loadConfig>;
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => parseEnv('stream-processor', schema, env);
