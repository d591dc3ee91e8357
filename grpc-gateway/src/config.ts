import { z } from 'zod';
import { LOCAL_GATEWAY_TOKEN, MIN_GATEWAY_TOKEN_LENGTH } from '@iot/contracts';
import { ConfigError, envVar, parseEnv } from '@iot/runtime';

/** A file path; an empty value counts as unset (`GATEWAY_TLS_CERT_FILE=` in an env file). */
const optionalFile = () =>
  z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined));

const schema = z
  .object({
    KAFKA_BROKERS: envVar.brokers('127.0.0.1:9092'),
    SCHEMA_REGISTRY_URL: envVar.url('http://127.0.0.1:8081/apis/ccompat/v7'),
    /** Interface to listen on: 127.0.0.1 locally, 0.0.0.0 in a container. */
    GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
    GATEWAY_PORT: envVar.port(50051),
    METRICS_PORT: envVar.portOrOff(9466),
    /** Postgres with the device registry and window history (ListSensors, GetWindowCounts). */
    DATABASE_URL: envVar.url('postgres://iot:iot@127.0.0.1:5432/iot'),
    /** How many minutes of window counts the gateway keeps for new subscribers' snapshots. */
    SNAPSHOT_MINUTES: envVar.positiveInt(60),
    /** How many minutes of readings the gateway reads back at start (each sensor's latest for snapshots and ListSensors). */
    READINGS_LOOKBACK_MINUTES: envVar.positiveInt(5),
    /** Records kept per topic partition so that a client reconnecting with its cursor gets exactly what it missed. */
    RESUME_BUFFER_RECORDS: envVar.positiveInt(10_000),
    /** Live readings or alerts a subscriber may be behind before it is told to resubscribe. */
    STREAM_QUEUE_LIMIT: envVar.positiveInt(10_000),
    /** An idle stream gets a heartbeat this often. */
    HEARTBEAT_INTERVAL_MS: envVar.positiveInt(5_000),
    LOG_LEVEL: envVar.logLevel(),
    /**
     * Bearer tokens PipelineService calls may present (`authorization: Bearer <token>`), comma-
     * separated, each at least 16 characters; default LOCAL_GATEWAY_TOKEN, for the local stack
     * only. Checked in loadConfig, whose errors never show the value (it is a secret).
     */
    GATEWAY_TOKENS: z.string().optional(),
    /** TLS: PEM certificate (chain) and private key files; both or neither (plaintext). */
    GATEWAY_TLS_CERT_FILE: optionalFile(),
    GATEWAY_TLS_KEY_FILE: optionalFile(),
  })
  .superRefine((config, context) => {
    if (Boolean(config.GATEWAY_TLS_CERT_FILE) !== Boolean(config.GATEWAY_TLS_KEY_FILE)) {
      const missing = config.GATEWAY_TLS_CERT_FILE ? 'GATEWAY_TLS_KEY_FILE' : 'GATEWAY_TLS_CERT_FILE';
      context.addIssue({ code: 'custom', path: [missing], message: 'TLS needs both GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE (or neither, for plaintext)' });
    }
  });

const tokenList = z
  .array(
    z
      .string()
      .min(MIN_GATEWAY_TOKEN_LENGTH, `must be at least ${MIN_GATEWAY_TOKEN_LENGTH} characters`)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  )
  .min(1, 'at least one token is needed');

/** GATEWAY_TOKENS as a list; a ConfigError that says which item is wrong, never what it is. */
function parseTokens(value: string | undefined): string[] {
  const tokens = (value ?? LOCAL_GATEWAY_TOKEN).split(',').map((token) => token.trim()).filter(Boolean);
  const result = tokenList.safeParse(tokens);
  if (result.success) return result.data;
  throw new ConfigError(
    'grpc-gateway',
    result.error.issues.map((issue) => {
      const which = typeof issue.path[0] === 'number' ? `, token ${issue.path[0] + 1} of ${tokens.length}` : '';
      return `GATEWAY_TOKENS (value not shown${which}): ${issue.message}`;
    }),
  );
}

export type GatewayConfig = ReturnType<typeof loadConfig>;
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = parseEnv('grpc-gateway', schema, env);
  return Object.freeze({ ...config, GATEWAY_TOKENS: Object.freeze(parseTokens(config.GATEWAY_TOKENS)) as readonly string[] });
}
