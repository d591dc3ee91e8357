import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.ts';
import { REPO_ROOT } from './config.ts';
import { StackError } from './errors.ts';
import { kafkaJava, writeConf } from './kafka.ts';
import { assertPortFree, logFileOf, runningPid, startDetached, waitUntilHealthy } from './process.ts';

export const CONNECT = 'connect';
const CONNECT_CONFIG_DIR = join(REPO_ROOT, 'connect-config');
const REQUIRED_PLUGINS = ['io.debezium.connector.jdbc.JdbcSinkConnector', 'io.debezium.connector.postgresql.PostgresConnector'];

function workerProperties(config: StackConfig): string {
  return `# Written by the stack tool on every start; edit stack/src/connect.ts instead.
bootstrap.servers=${config.kafkaBootstrap}
group.id=iot-connect
listeners=http://127.0.0.1:${config.CONNECT_PORT}
rest.advertised.host.name=127.0.0.1
rest.advertised.port=${config.CONNECT_PORT}
plugin.path=${config.paths.plugins}
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
config.storage.topic=_connect-configs
offset.storage.topic=_connect-offsets
status.storage.topic=_connect-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.flush.interval.ms=5000
# Connector configs name hosts and secrets as \${env:VAR}, never as literals.
config.providers=env
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
`;
}

async function connectJson<T>(config: StackConfig, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(`${config.connectUrl}${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function connectHealthy(config: StackConfig): Promise<boolean> {
  const { status, body } = await connectJson<Array<{ class: string }>>(config, '/connector-plugins');
  if (status !== 200) return false;
  const classes = new Set(body.map((plugin) => plugin.class));
  const missing = REQUIRED_PLUGINS.filter((plugin) => !classes.has(plugin));
  if (missing.length > 0) throw new Error(`plugins not loaded: ${missing.join(', ')} (plugin.path=${config.paths.plugins})`);
  return true;
}

/** The environment connector configs read through ${env:...}. */
export function connectorEnv(config: StackConfig): NodeJS.ProcessEnv {
  const db = new URL(config.databaseUrl);
  return {
    IOT_PG_HOST: db.hostname,
    IOT_PG_PORT: db.port || '5432',
    IOT_PG_DATABASE: db.pathname.slice(1),
    IOT_PG_USER: decodeURIComponent(db.username),
    IOT_PG_PASSWORD: decodeURIComponent(db.password),
    IOT_PG_JDBC_URL: `jdbc:postgresql://${db.hostname}:${db.port || 5432}${db.pathname}`,
    IOT_REGISTRY_V2_URL: `${config.registryUrl}/apis/registry/v2`,
  };
}

/** Starts it unless it runs; pushes its name to `started` as soon as the process exists. */
export async function startConnect(config: StackConfig, log: (line: string) => void, started: string[]): Promise<void> {
  if (runningPid(config, CONNECT) !== undefined) {
    await waitUntilHealthy(config, CONNECT, () => connectHealthy(config));
    return;
  }
  await assertPortFree(CONNECT, config.CONNECT_PORT, 'CONNECT_PORT');
  const properties = writeConf(config, 'connect-distributed.properties', workerProperties(config));
  const worker = await kafkaJava(config, '1g', 'org.apache.kafka.connect.cli.ConnectDistributed', [properties]);
  startDetached(config, { ...worker, name: CONNECT, env: connectorEnv(config) });
  started.push(CONNECT);
  log(`connect: starting Kafka Connect on ${config.connectUrl} (log ${logFileOf(config, CONNECT)})`);
  await waitUntilHealthy(config, CONNECT, () => connectHealthy(config));
}

interface ConnectorFile {
  name: string;
  config: Record<string, string>;
}

/** Reads and checks every connect-config/*.json: a name, a config object of strings, a connector class. */
export function readConnectorConfigs(dir = CONNECT_CONFIG_DIR): ConnectorFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const where = `connect-config/${file}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch (error) {
        throw new StackError(CONNECT, `${where}: not valid JSON: ${(error as Error).message}`);
      }
      const candidate = parsed as Partial<ConnectorFile>;
      if (typeof candidate.name !== 'string' || !candidate.name) throw new StackError(CONNECT, `${where}: "name" must be a non-empty string`);
      if (typeof candidate.config !== 'object' || candidate.config === null) throw new StackError(CONNECT, `${where}: "config" must be an object`);
      for (const [key, value] of Object.entries(candidate.config)) {
        if (typeof value !== 'string') throw new StackError(CONNECT, `${where}: config "${key}" must be a string, got ${JSON.stringify(value)}`);
      }
      if (!candidate.config['connector.class']) throw new StackError(CONNECT, `${where}: config needs "connector.class"`);
      return candidate as ConnectorFile;
    });
}

interface ValidateResponse {
  error_count: number;
  configs: Array<{ value: { name: string; errors: string[] } }>;
}

/**
 * Creates or updates every connector from connect-config/ (PUT is idempotent), after
 * Connect's own validation of each config; errors are reported per field.
 */
export async function applyConnectors(config: StackConfig): Promise<string[]> {
  const connectors = readConnectorConfigs();
  for (const connector of connectors) {
    const klass = connector.config['connector.class']!;
    const validation = await connectJson<ValidateResponse>(config, `/connector-plugins/${encodeURIComponent(klass)}/config/validate`, {
      method: 'PUT',
      body: JSON.stringify({ ...connector.config, name: connector.name }),
    });
    if (validation.status !== 200) {
      throw new StackError(CONNECT, `validating ${connector.name} failed with HTTP ${validation.status}: ${JSON.stringify(validation.body)}`, logFileOf(config, CONNECT));
    }
    if (validation.body.error_count > 0) {
      const errors = validation.body.configs
        .filter((entry) => entry.value.errors.length > 0)
        .map((entry) => `    ${entry.value.name}: ${entry.value.errors.join('; ')}`);
      throw new StackError(CONNECT, `connector ${connector.name} (connect-config) has invalid config:\n${errors.join('\n')}`);
    }
    const put = await connectJson<unknown>(config, `/connectors/${encodeURIComponent(connector.name)}/config`, {
      method: 'PUT',
      body: JSON.stringify(connector.config),
    });
    if (put.status !== 200 && put.status !== 201) {
      throw new StackError(CONNECT, `applying ${connector.name} failed with HTTP ${put.status}: ${JSON.stringify(put.body)}`, logFileOf(config, CONNECT));
    }
  }
  return connectors.map((connector) => connector.name);
}

export interface ConnectorStatus {
  name: string;
  connector: { state: string };
  tasks: Array<{ id: number; state: string; trace?: string }>;
}

export async function connectorStatuses(config: StackConfig): Promise<ConnectorStatus[]> {
  const { body: names } = await connectJson<string[]>(config, '/connectors');
  const statuses: ConnectorStatus[] = [];
  for (const name of names) {
    const { body } = await connectJson<ConnectorStatus>(config, `/connectors/${encodeURIComponent(name)}/status`);
    statuses.push(body);
  }
  return statuses;
}
