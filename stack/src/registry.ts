import { join } from 'node:path';
import type { StackConfig } from './config.ts';
import { ALERT_ACKS_TOPIC, ALERTS_TOPIC, DEVICES_TOPIC, SENSOR_READINGS_TOPIC, subjectFor, WINDOW_COUNTS_TOPIC } from '@iot/contracts';
import { StackError } from './errors.ts';
import { findJava } from './java.ts';
import { assertPortFree, logFileOf, runningPid, startDetached, waitUntilHealthy } from './process.ts';

export const REGISTRY = 'registry';

/** Value subjects whose schemas may only evolve BACKWARD: consumers on the new schema read every older record. */
const GOVERNED_TOPICS = [SENSOR_READINGS_TOPIC, WINDOW_COUNTS_TOPIC, ALERTS_TOPIC, ALERT_ACKS_TOPIC, DEVICES_TOPIC];

/**
 * Sets BACKWARD compatibility on the contract topics' value subjects (idempotent; Apicurio
 * accepts it before the subject's first version and enforces it from then on: an incompatible
 * schema is refused with 409). The body key is `compatibility`; `compatibilityLevel` gets a 500.
 */
export async function ensureSchemaCompatibility(config: StackConfig): Promise<void> {
  for (const topic of GOVERNED_TOPICS) {
    const subject = subjectFor(topic, 'value');
    const response = await fetch(`${config.registryCcompatUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new StackError(REGISTRY, `setting BACKWARD compatibility on ${subject} failed: HTTP ${response.status} ${await response.text()}`, logFileOf(config, REGISTRY));
  }
}

export async function waitForRegistry(config: StackConfig): Promise<void> {
  await waitUntilHealthy(config, REGISTRY, () => registryHealthy(config));
}

async function registryHealthy(config: StackConfig): Promise<boolean> {
  const response = await fetch(`${config.registryUrl}/apis/ccompat/v7/subjects`, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

/**
 * Apicurio Registry, storing its schemas in Postgres (database iot_registry) so schema ids
 * survive restarts: records already in Kafka carry those ids.
 */
/** Starts it unless it runs; pushes its name to `started` as soon as the process exists. */
export async function startRegistry(config: StackConfig, log: (line: string) => void, started: string[]): Promise<void> {
  if (runningPid(config, REGISTRY) !== undefined) {
    await waitUntilHealthy(config, REGISTRY, () => registryHealthy(config));
    return;
  }
  await assertPortFree(REGISTRY, config.REGISTRY_PORT, 'REGISTRY_PORT');
  await assertPortFree(REGISTRY, config.REGISTRY_MANAGEMENT_PORT, 'REGISTRY_MANAGEMENT_PORT');
  const app = new URL(config.databaseUrl);
  startDetached(config, {
    name: REGISTRY,
    command: await findJava(REGISTRY, 21, config.REGISTRY_JAVA_HOME, 'REGISTRY_JAVA_HOME'),
    args: ['-Xms256m', '-Xmx512m', '-Duser.timezone=UTC', '-jar', join(config.paths.registryApp, 'quarkus-run.jar')],
    cwd: config.paths.registryApp,
    env: {
      QUARKUS_HTTP_HOST: '127.0.0.1',
      QUARKUS_HTTP_PORT: String(config.REGISTRY_PORT),
      // Health and metrics are on a second port: this build fixes quarkus.management.enabled to
      // true (setting it false is ignored, with a warning), so it is placed, on loopback only.
      QUARKUS_MANAGEMENT_HOST: '127.0.0.1',
      QUARKUS_MANAGEMENT_PORT: String(config.REGISTRY_MANAGEMENT_PORT),
      APICURIO_STORAGE_KIND: 'sql',
      APICURIO_STORAGE_SQL_KIND: 'postgresql',
      APICURIO_DATASOURCE_URL: `jdbc:postgresql://${app.hostname}:${app.port || 5432}/${config.registryDatabase}`,
      APICURIO_DATASOURCE_USERNAME: decodeURIComponent(app.username),
      APICURIO_DATASOURCE_PASSWORD: decodeURIComponent(app.password),
      // Its default pool holds 20 connections open from the start (up to 100): a fifth of a
      // default Postgres's max_connections, for a service whose clients cache every schema.
      APICURIO_DATASOURCE_JDBC_INITIAL_SIZE: '2',
      APICURIO_DATASOURCE_JDBC_MIN_SIZE: '2',
      APICURIO_DATASOURCE_JDBC_MAX_SIZE: '10',
      // The Confluent-compatible API hands out content ids: what the wire format carries and the Connect converter looks up.
      APICURIO_CCOMPAT_LEGACY_ID_MODE_ENABLED: 'false',
    },
  });
  started.push(REGISTRY);
  log(`registry: starting Apicurio Registry on ${config.registryUrl} (log ${logFileOf(config, REGISTRY)})`);
  await waitUntilHealthy(config, REGISTRY, () => registryHealthy(config));
}
