import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      // Jetty answers some errors (a proxy, a 500 before Connect's own handler) with HTML or plain text.
      body = { message: text.trim().slice(0, 500) };
    }
  }
  return { status: response.status, body: body as T };
}

/** The message Connect puts in its error bodies (`{"error_code": 404, "message": "..."}`), or the body itself. */
export function connectErrorMessage(body: unknown): string {
  if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return body === undefined ? '(empty body)' : JSON.stringify(body);
}

/**
 * One REST call for the operator commands: answers with the body when the status is one of
 * `expected`; otherwise a StackError naming the request, the HTTP status and Connect's message.
 * Connect not reachable (or not answering in 30 s) is reported with its URL, `npm run stack --
 * status` and its log file. A 409 (a rebalance or a concurrent config change), or a 500 that says a
 * rebalance is expected, is retried for up to 15 s, as Connect asks.
 */
export async function connectRequest<T>(
  config: StackConfig,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  expected: readonly number[],
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    let result: { status: number; body: T };
    try {
      result = await connectJson<T>(config, path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = timedOut ? 'no answer within 30 s' : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new StackError(
        CONNECT,
        `Kafka Connect is not reachable at ${config.connectUrl} (${method} ${path}: ${why}). ` +
          'Is the stack up? See `npm run stack -- status` and Connect\'s log.',
        logFileOf(config, CONNECT),
        { cause: error },
      );
    }
    if (expected.includes(result.status)) return result;
    // 409, or a 500 saying so: a rebalance (a worker that has just started answers with the latter).
    const rebalancing = result.status === 409 || (result.status === 500 && /rebalance is expected/.test(connectErrorMessage(result.body)));
    if (rebalancing && Date.now() < deadline) {
      await sleep(1000);
      continue;
    }
    throw new StackError(
      CONNECT,
      `${method} ${path} failed: HTTP ${result.status}: ${connectErrorMessage(result.body)}`,
      result.status >= 500 ? logFileOf(config, CONNECT) : undefined,
    );
  }
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

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export interface AppliedConnector {
  name: string;
  outcome: ApplyOutcome;
  /** For `updated`: the keys added, removed or changed (names only; values may be secrets). */
  changedKeys: string[];
}

/**
 * The keys in which a connector's config in Connect (`GET /connectors/{name}/config`) differs
 * from the wanted one; the `name` key Connect adds is ignored.
 */
export function configChanges(current: Record<string, string>, wanted: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(current), ...Object.keys(wanted)]);
  keys.delete('name');
  return [...keys].filter((key) => current[key] !== wanted[key]).sort();
}

/** Connect's own check of a config (`PUT /connector-plugins/{class}/config/validate`); errors are reported per field. */
async function validateConnectorConfig(config: StackConfig, name: string, connectorConfig: Record<string, string>, source: string): Promise<void> {
  const klass = connectorConfig['connector.class'];
  if (!klass) throw new StackError(CONNECT, `connector ${name} (${source}) has no connector.class`);
  const validation = await connectRequest<ValidateResponse>(config, 'PUT', `/connector-plugins/${encodeURIComponent(klass)}/config/validate`, [200], { ...connectorConfig, name });
  if (validation.body.error_count > 0) {
    const errors = validation.body.configs
      .filter((entry) => entry.value.errors.length > 0)
      .map((entry) => `    ${entry.value.name}: ${entry.value.errors.join('; ')}`);
    throw new StackError(CONNECT, `connector ${name} (${source}) has invalid config:\n${errors.join('\n')}`);
  }
}

/**
 * Changes some keys of a running connector's config (validated first), for experiments:
 * `apply` puts the connect-config/ file back. Answers with the keys that changed.
 */
export async function setConnectorConfig(config: StackConfig, name: string, overrides: Record<string, string>): Promise<string[]> {
  const path = `/connectors/${encodeURIComponent(name)}/config`;
  const { body: current } = await connectRequest<Record<string, string>>(config, 'GET', path, [200]);
  const wanted = { ...current, ...overrides };
  delete wanted.name;
  const changed = configChanges(current, wanted);
  if (changed.length === 0) return [];
  await validateConnectorConfig(config, name, wanted, 'with the new values');
  await connectRequest<unknown>(config, 'PUT', path, [200], wanted);
  return changed;
}

/** A connector file as this stack runs it: CDC_SLOT_NAME, when set, replaces a source's \`slot.name\`. */
function withStackOverrides(config: StackConfig, connector: ConnectorFile): ConnectorFile {
  if (config.CDC_SLOT_NAME === undefined || connector.config['slot.name'] === undefined) return connector;
  return { ...connector, config: { ...connector.config, 'slot.name': config.CDC_SLOT_NAME } };
}

/**
 * Creates or updates every connector from connect-config/, after Connect's own validation of
 * each config (errors are reported per field). A connector whose config in Connect already is
 * the file's is not written again (a PUT would restart it for nothing).
 */
export async function applyConnectorConfigs(config: StackConfig): Promise<AppliedConnector[]> {
  const connectors = readConnectorConfigs().map((connector) => withStackOverrides(config, connector));
  const applied: AppliedConnector[] = [];
  for (const connector of connectors) {
    await validateConnectorConfig(config, connector.name, connector.config, 'connect-config');
    const path = `/connectors/${encodeURIComponent(connector.name)}/config`;
    const current = await connectRequest<Record<string, string>>(config, 'GET', path, [200, 404]);
    const changedKeys = current.status === 200 ? configChanges(current.body, connector.config) : [];
    if (current.status === 200 && changedKeys.length === 0) {
      applied.push({ name: connector.name, outcome: 'unchanged', changedKeys });
      continue;
    }
    await connectRequest<unknown>(config, 'PUT', path, [200, 201], connector.config);
    applied.push({ name: connector.name, outcome: current.status === 404 ? 'created' : 'updated', changedKeys });
  }
  return applied;
}

/** applyConnectorConfigs, answering with the connectors' names (what `stack up` logs). */
export async function applyConnectors(config: StackConfig): Promise<string[]> {
  return (await applyConnectorConfigs(config)).map((connector) => connector.name);
}

export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

/** `GET /connectors/{name}/status`. */
export interface ConnectorStatus {
  name: string;
  connector: { state: ConnectorState | string; worker_id?: string; trace?: string };
  tasks: Array<{ id: number; state: ConnectorState | string; worker_id?: string; trace?: string }>;
  type?: string;
}

/** Every connector's status, sorted by name, in one request (`GET /connectors?expand=status`). */
export async function connectorStatuses(config: StackConfig): Promise<ConnectorStatus[]> {
  const { body } = await connectRequest<Record<string, { status: ConnectorStatus }>>(config, 'GET', '/connectors?expand=status', [200]);
  return Object.values(body)
    .map((entry) => entry.status)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The names of the connectors Connect runs (`GET /connectors`), sorted. */
export async function connectorNames(config: StackConfig): Promise<string[]> {
  const { body } = await connectRequest<string[]>(config, 'GET', '/connectors', [200]);
  return [...body].sort();
}

const connectorPath = (name: string, rest = '') => `/connectors/${encodeURIComponent(name)}${rest}`;

/** Fails, listing the known connectors, unless Connect runs one named `name`. */
export async function assertConnectorExists(config: StackConfig, name: string): Promise<void> {
  const names = await connectorNames(config);
  if (names.includes(name)) return;
  const inFiles = readConnectorConfigs().some((connector) => connector.name === name);
  throw new StackError(
    CONNECT,
    inFiles
      ? `connector ${name} is in connect-config/ but not in Connect; create it with \`npm run connect -- apply\``
      : `unknown connector ${JSON.stringify(name)}; known connectors: ${names.join(', ') || '(none)'}`,
  );
}

export async function connectorStatus(config: StackConfig, name: string): Promise<ConnectorStatus> {
  return (await connectRequest<ConnectorStatus>(config, 'GET', connectorPath(name, '/status'), [200])).body;
}

/**
 * `POST /connectors/{name}/restart?includeTasks=true&onlyFailed=…`: the connector and its
 * (failed) tasks. Connect answers 202 with the status, instances to restart marked RESTARTING.
 */
export async function restartConnector(config: StackConfig, name: string, onlyFailed: boolean): Promise<ConnectorStatus | undefined> {
  const { body } = await connectRequest<ConnectorStatus | undefined>(
    config,
    'POST',
    connectorPath(name, `/restart?includeTasks=true&onlyFailed=${onlyFailed}`),
    [200, 202, 204],
  );
  return body;
}

export type StateChange = 'pause' | 'resume' | 'stop';

/** The connector state each request leads to. */
export const TARGET_STATE: Record<StateChange, ConnectorState> = { pause: 'PAUSED', resume: 'RUNNING', stop: 'STOPPED' };

/** `PUT /connectors/{name}/pause|resume|stop`: asks for the change; it happens asynchronously. */
export async function changeConnectorState(config: StackConfig, name: string, change: StateChange): Promise<void> {
  await connectRequest<unknown>(config, 'PUT', connectorPath(name, `/${change}`), [200, 202, 204]);
}

/**
 * Whether a status has arrived at `target`: the connector in that state and its tasks too
 * (STOPPED: no tasks at all; RUNNING: at least one task). A FAILED task counts as settled, so
 * that the caller can report it instead of waiting for the deadline.
 */
export function hasSettled(status: ConnectorStatus, target: ConnectorState): boolean {
  if (status.connector.state !== target) return false;
  if (target === 'STOPPED') return status.tasks.length === 0;
  if (target === 'RUNNING' && status.tasks.length === 0) return false;
  return status.tasks.every((task) => task.state === target || task.state === 'FAILED');
}

/** Whether nothing in a status is in between states (RESTARTING, UNASSIGNED): after a restart. */
export function isStable(status: ConnectorStatus): boolean {
  const transient = (state: string) => state === 'RESTARTING' || state === 'UNASSIGNED';
  return !transient(status.connector.state) && !status.tasks.some((task) => transient(task.state));
}

/**
 * Polls the connector's status until `done` holds, up to `timeoutMs`; answers with the last
 * status seen, whether `done` held, and how long it took.
 */
export async function waitForConnector(
  config: StackConfig,
  name: string,
  done: (status: ConnectorStatus) => boolean,
  timeoutMs = 30_000,
): Promise<{ status: ConnectorStatus; settled: boolean; elapsedMs: number }> {
  const started = Date.now();
  for (;;) {
    const status = await connectorStatus(config, name);
    const elapsedMs = Date.now() - started;
    if (done(status)) return { status, settled: true, elapsedMs };
    if (elapsedMs > timeoutMs) return { status, settled: false, elapsedMs };
    await sleep(250);
  }
}

/** KIP-875's `GET /connectors/{name}/offsets`. */
export interface ConnectorOffsets {
  offsets: Array<{ partition: Record<string, unknown>; offset: Record<string, unknown> | null }>;
}

export async function connectorOffsets(config: StackConfig, name: string): Promise<ConnectorOffsets> {
  return (await connectRequest<ConnectorOffsets>(config, 'GET', connectorPath(name, '/offsets'), [200])).body;
}

/**
 * `DELETE /connectors/{name}/offsets` (the connector must be STOPPED): a sink's consumer group
 * offsets, or a source's offsets in the offsets topic. Answers with Connect's message.
 */
export async function resetConnectorOffsets(config: StackConfig, name: string): Promise<string> {
  // Right after STOPPED, a sink's stopped consumer may still be in its group and Connect refuses
  // to alter the group's offsets: try again for a while before giving up.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { status, body } = await connectRequest<{ message?: string } | undefined>(config, 'DELETE', connectorPath(name, '/offsets'), [200, 400, 500]);
    if (status === 200) return body?.message ?? 'offsets reset';
    if (Date.now() > deadline) throw new StackError(CONNECT, `DELETE ${connectorPath(name, '/offsets')} failed: HTTP ${status}: ${connectErrorMessage(body)}`, logFileOf(config, CONNECT));
    await sleep(1000);
  }
}

/** Whether any connector or task in these statuses is FAILED. */
export function anyFailed(statuses: readonly ConnectorStatus[]): boolean {
  return statuses.some((status) => status.connector.state === 'FAILED' || status.tasks.some((task) => task.state === 'FAILED'));
}

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/**
 * A connector's status as lines: the connector's state, type and worker, then each task's, with
 * the full stack trace of anything FAILED. Used by `npm run connect -- status` and `npm run stack -- status`.
 */
export function formatConnectorStatus(status: ConnectorStatus): string[] {
  const on = (worker?: string) => (worker ? ` on ${worker}` : '');
  const lines = [`${status.name}${status.type ? ` (${status.type})` : ''}: ${status.connector.state}${on(status.connector.worker_id)}`];
  if (status.connector.trace) lines.push(`  connector trace:\n${indent(status.connector.trace, '    ')}`);
  if (status.tasks.length === 0) lines.push('  no tasks');
  for (const task of [...status.tasks].sort((a, b) => a.id - b.id)) {
    lines.push(`  task ${task.id}: ${task.state}${on(task.worker_id)}`);
    if (task.trace) lines.push(`  task ${task.id} trace:\n${indent(task.trace, '    ')}`);
  }
  return lines;
}

const isSinkEntry = (entry: ConnectorOffsets['offsets'][number]) =>
  typeof entry.partition['kafka_topic'] === 'string' && typeof entry.partition['kafka_partition'] === 'number';

/**
 * Offsets as lines. A sink's (`{kafka_topic, kafka_partition}` → `{kafka_offset}`) as
 * `topic/partition → offset`, sorted; a source's partition and offset maps as JSON.
 */
export function formatConnectorOffsets(name: string, offsets: ConnectorOffsets): string[] {
  if (offsets.offsets.length === 0) return [`${name}: no committed offsets`];
  const sink = offsets.offsets.filter(isSinkEntry);
  const other = offsets.offsets.filter((entry) => !isSinkEntry(entry));
  const lines = [`${name}:`];
  if (sink.length > 0) {
    const rows = sink
      .map((entry) => ({
        where: `${String(entry.partition['kafka_topic'])}/${String(entry.partition['kafka_partition'])}`,
        topic: String(entry.partition['kafka_topic']),
        partition: Number(entry.partition['kafka_partition']),
        offset: entry.offset === null ? 'none' : String(entry.offset['kafka_offset']),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const width = Math.max(...rows.map((row) => row.where.length));
    for (const row of rows) lines.push(`  ${row.where.padEnd(width)} → ${row.offset}`);
  }
  for (const entry of other) {
    lines.push(`  partition ${JSON.stringify(entry.partition)}`);
    lines.push(`    offset ${entry.offset === null ? 'none' : JSON.stringify(entry.offset)}`);
  }
  return lines;
}
