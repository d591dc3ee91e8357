import { z } from 'zod';
import { envVar, parseEnv } from '@iot/runtime';

const schema = z.object({
  KAFKA_BROKERS: envVar.brokers('127.0.0.1:9092'),
  SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:8081/apis/ccompat/v7'),
  /** Interface to listen on: 127.0.0.1 locally, 0.0.0.0 in a container. */
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: envVar.port(50051),
  METRICS_PORT: envVar.portOrOff(9466),
  /** How many minutes of window counts the gateway keeps for new subscribers' snapshots. */
  SNAPSHOT_MINUTES: envVar.positiveInt(60),
  LOG_LEVEL: envVar.logLevel(),
});

export type GatewayConfig = ReturnType<typeof loadConfig>;
export const loadConfig = (env: NodeJS.ProcessEnv = process.env) => parseEnv('grpc-gateway', schema, env);
