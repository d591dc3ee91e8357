import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PORTS } from '@iot/contracts';
import { envVar, parseEnv } from '@iot/runtime';

/** The pipeline's own services, in start order. */
export const APP_NAMES = ['stream-processor', 'producers', 'grpc-gateway', 'dashboard'] as const;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const schema = z.object({
  STACK_HOME: z.string().default(join(REPO_ROOT, '.stack')),
  KAFKA_PORT: envVar.port(PORTS.kafka.port),
  KAFKA_CONTROLLER_PORT: envVar.port(PORTS.kafkaController.port),
  REGISTRY_PORT: envVar.port(PORTS.registry.port),
  /** Apicurio's management interface (health, metrics), which its build always opens. */
  REGISTRY_MANAGEMENT_PORT: envVar.port(9000),
  CONNECT_PORT: envVar.port(PORTS.connect.port),
  PGHOST: z.string().default('127.0.0.1'),
  PGPORT: envVar.port(PORTS.postgres.port),
  /** The project's database. When set, the stack uses it as it is and creates no role or database. */
  DATABASE_URL: z.url().optional(),
  /** A superuser connection used to create the project's role and databases and to check wal_level. */
  PG_ADMIN_URL: z.url().optional(),
  /** For `provision` against servers the tool did not start (docker compose): where they are. */
  KAFKA_BROKERS: z.string().optional(),
  CONNECT_URL: z.url().optional(),
  /** Apicurio Registry's base URL (without /apis/...). */
  REGISTRY_URL: z.url().optional(),
  GATEWAY_PORT: envVar.port(PORTS.gateway.port),
  DASHBOARD_PORT: envVar.port(PORTS.dashboard.port),
  /** The services' Prometheus ports (a second stack on one machine needs its own). */
  PRODUCERS_METRICS_PORT: envVar.port(9464),
  PROCESSOR_METRICS_PORT: envVar.port(9465),
  GATEWAY_METRICS_PORT: envVar.port(9466),
  /** Which services `up --apps` runs, comma-separated; default all of them. */
  STACK_APPS: z
    .string()
    .default(APP_NAMES.join(','))
    .transform((text) => text.split(',').map((name) => name.trim()).filter(Boolean))
    .pipe(z.array(z.enum(APP_NAMES)).min(1)),
  /**
   * The project's database when DATABASE_URL is not set (created with its role, like the
   * default); Apicurio's is \`<name>_registry\`. A second stack on one server needs its own.
   */
  STACK_DATABASE: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case SQL identifier').default('iot'),
  /**
   * Replaces the replication slot (\`slot.name\`) of connect-config/'s CDC source. Slot names are
   * unique in the whole Postgres server, not per database: a second stack on one server needs
   * its own, or its Connect worker would fight the first one's for the slot. Default: the file's.
   */
  CDC_SLOT_NAME: z.string().regex(/^[a-z0-9_]{1,63}$/, 'expected lower-case letters, digits and _ (a Postgres slot name)').optional(),
  /** JDK for Kafka and Connect (17 or newer); default: java on the PATH. */
  JAVA_HOME: z.string().optional(),
  /** JDK for Apicurio Registry (21 or newer); default: the first one found. */
  REGISTRY_JAVA_HOME: z.string().optional(),
  /** Seconds to wait for each component's health check. */
  STACK_START_TIMEOUT_S: envVar.positiveInt(120),
});

export type StackConfig = ReturnType<typeof loadStackConfig>;

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv('stack', schema, env);
  const home = resolve(parsed.STACK_HOME);
  const adminUrl = parsed.PG_ADMIN_URL ?? `postgres://postgres@${parsed.PGHOST}:${parsed.PGPORT}/postgres`;
  const databaseUrl = parsed.DATABASE_URL ?? `postgres://iot:iot@${parsed.PGHOST}:${parsed.PGPORT}/${parsed.STACK_DATABASE}`;
  return Object.freeze({
    ...parsed,
    home,
    paths: {
      lib: join(home, 'lib'),
      archives: join(home, 'archives'),
      plugins: join(home, 'plugins'),
      registryApp: join(home, 'apicurio-registry'),
      data: join(home, 'data'),
      logs: join(home, 'logs'),
      run: join(home, 'run'),
      conf: join(home, 'conf'),
    },
    kafkaBootstrap: parsed.KAFKA_BROKERS ?? `127.0.0.1:${parsed.KAFKA_PORT}`,
    registryUrl: parsed.REGISTRY_URL?.replace(/\/$/, '') ?? `http://127.0.0.1:${parsed.REGISTRY_PORT}`,
    /** What services give @kafkajs/confluent-schema-registry. */
    registryCcompatUrl: `${parsed.REGISTRY_URL?.replace(/\/$/, '') ?? `http://127.0.0.1:${parsed.REGISTRY_PORT}`}/apis/ccompat/v7`,
    connectUrl: parsed.CONNECT_URL ?? `http://127.0.0.1:${parsed.CONNECT_PORT}`,
    adminUrl,
    databaseUrl,
    manageDatabase: parsed.DATABASE_URL === undefined,
    /** Apicurio's own database; with a given DATABASE_URL it shares that database. */
    registryDatabase: parsed.DATABASE_URL ? new URL(databaseUrl).pathname.slice(1) : `${parsed.STACK_DATABASE}_registry`,
    startTimeoutMs: parsed.STACK_START_TIMEOUT_S * 1000,
  });
}
