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
    // GetPipelineHealth: what it probes, and the limits it judges by.
    /** Kafka Connect's REST API (in compose: its service name, http://connect:8083). */
    CONNECT_URL: z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://127.0.0.1:8083' })
      .default('http://127.0.0.1:8083')
      .transform((url) => url.replace(/\/+$/, '')),
    /** The stream processor's consumer group (its PROCESSOR_GROUP_ID). */
    PROCESSOR_GROUP_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ - only').default('iot-stream-processor'),
    /** Longest each health probe may take: a part that does not answer by then is DOWN. */
    HEALTH_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(1_500),
    /** How often the processor group's committed offsets (and the topics' end offsets) are sampled for throughput. */
    HEALTH_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(5_000),
    /** The span of samples throughput is computed over (and stalls detected across). */
    HEALTH_RATE_WINDOW_MS: z.coerce.number().int().min(2_000).default(30_000),
    /** Above this lag (records, all its input topics) the stream processor is DEGRADED. */
    PROCESSOR_MAX_LAG_RECORDS: envVar.positiveInt(10_000),
    /** iot.sensor-readings quiet for longer than this is DEGRADED (the producers stopped?). */
    READINGS_STALE_AFTER_MS: envVar.positiveInt(60_000),
    /** iot.window-counts-1m quiet for longer than this is DEGRADED (the processor stopped writing?). */
    WINDOW_COUNTS_STALE_AFTER_MS: envVar.positiveInt(180_000),
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
    if (config.HEALTH_RATE_WINDOW_MS < 2 * config.HEALTH_SAMPLE_INTERVAL_MS) {
      context.addIssue({ code: 'custom', path: ['HEALTH_RATE_WINDOW_MS'], message: `must be at least twice HEALTH_SAMPLE_INTERVAL_MS (${config.HEALTH_SAMPLE_INTERVAL_MS}): a rate needs two samples in the window` });
    }
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
