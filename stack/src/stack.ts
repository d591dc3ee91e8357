import { rmSync } from 'node:fs';
import { apps, startApps } from './apps.ts';
import type { StackConfig } from './config.ts';
import { applyConnectors, CONNECT, connectHealthy, startConnect } from './connect.ts';
import { install } from './install.ts';
import { ensureTopics, KAFKA, kafkaClusterId, startKafka } from './kafka.ts';
import { alignSinkTables, ensurePostgres } from './postgres.ts';
import { POSTGRES } from './private-postgres.ts';
import { ensureSchemaCompatibility, REGISTRY, startRegistry, waitForRegistry } from './registry.ts';
import { runningPid, stopProcess, waitUntilHealthy } from './process.ts';

export type Log = (line: string) => void;

/** Infrastructure first (in dependency order), then the apps, stopped in reverse. */
export const INFRA = [POSTGRES, KAFKA, REGISTRY, CONNECT] as const;

/**
 * Brings the infrastructure up: Postgres checked and migrated, Kafka, the registry, Connect,
 * topics and connectors. Idempotent. Every process it starts is pushed to `started` at once,
 * so a caller can stop them even when a later step fails.
 */
export async function up(config: StackConfig, log: Log, started: string[] = []): Promise<string[]> {
  await install(config, log);
  if (await ensurePostgres(config, log)) started.push(POSTGRES);
  await startKafka(config, log, started);
  const topicChanges = await ensureTopics(config);
  if (topicChanges.length > 0) log(`kafka: ${topicChanges.join('; ')}`);
  await alignSinks(config, log);
  await startRegistry(config, log, started);
  await ensureSchemaCompatibility(config);
  await startConnect(config, log, started);
  const applied = await applyConnectors(config);
  log(`connect: applied connectors ${applied.join(', ')}`);
  return started;
}

/**
 * For servers started by someone else (docker compose): migrations, topics and connectors
 * only, after waiting for Connect to answer.
 */
export async function provision(config: StackConfig, log: Log): Promise<void> {
  await ensurePostgres(config, log);
  const topicChanges = await ensureTopics(config);
  if (topicChanges.length > 0) log(`kafka: ${topicChanges.join('; ')}`);
  await alignSinks(config, log);
  await waitForRegistry(config);
  await ensureSchemaCompatibility(config);
  await waitUntilHealthy(config, CONNECT, () => connectHealthy(config));
  log(`connect: applied connectors ${(await applyConnectors(config)).join(', ')}`);
}

/** Empties the sink tables when they were filled from another Kafka cluster (see alignSinkTables). */
async function alignSinks(config: StackConfig, log: Log): Promise<void> {
  const previous = await alignSinkTables(config.databaseUrl, await kafkaClusterId(config));
  if (previous) log(`postgres: emptied window_counts_1m and alerts: their rows came from Kafka cluster ${previous}, whose topics are gone; the sinks refill them from this cluster's`);
}

export async function upWithApps(config: StackConfig, log: Log, started: string[] = []): Promise<string[]> {
  await up(config, log, started);
  await startApps(config, log, started);
  return started;
}

export function allComponents(config: StackConfig): string[] {
  return [...INFRA, ...apps(config).map((app) => app.name)];
}

/** Stops the named components (default: all) that this tool started, apps before infrastructure. */
export async function down(config: StackConfig, log: Log, only?: readonly string[]): Promise<void> {
  const order = allComponents(config).reverse().filter((name) => !only || only.includes(name));
  for (const name of order) {
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
    if (await stopProcess(config, name, name === POSTGRES ? 'SIGINT' : 'SIGTERM')) log(`${name}: stopped`);
  }
}

export function status(config: StackConfig): Array<{ name: string; pid: number | undefined }> {
  return allComponents(config).map((name) => ({ name, pid: runningPid(config, name) }));
}

/** Stops everything and deletes all data (Kafka logs, Connect state); downloads are kept. */
export async function reset(config: StackConfig, log: Log): Promise<void> {
  await down(config, log);
  rmSync(config.paths.data, { recursive: true, force: true });
  log(`deleted ${config.paths.data}; registry schemas and the devices table are kept (drop database iot / iot_registry to clear them); the next up empties the sink tables, which mirrored the deleted topics`);
}
