import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { StackConfig } from './config.ts';
import { REPO_ROOT } from './config.ts';
import { StackError } from './errors.ts';
import { startPrivatePostgres } from './private-postgres.ts';

const run = promisify(execFile);
const MIGRATIONS_DIR = join(REPO_ROOT, 'stack', 'sql');

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function describe(url: string): string {
  const parsed = new URL(url);
  return `${parsed.username || 'postgres'}@${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}

/** A Debian cluster (pg_lsclusters) listening on this port, which pg_ctlcluster can restart. */
async function debianClusterOn(port: number): Promise<{ version: string; name: string } | undefined> {
  if (!existsSync('/usr/bin/pg_lsclusters')) return undefined;
  try {
    const { stdout } = await run('pg_lsclusters', ['--no-header']);
    for (const line of stdout.trim().split('\n')) {
      const [version, name, clusterPort] = line.trim().split(/\s+/);
      if (version && name && Number(clusterPort) === port) return { version, name };
    }
  } catch {
    /* not a Debian host */
  }
  return undefined;
}

/**
 * Makes sure the server has wal_level=logical (CDC needs it). On a local Debian cluster that
 * we may restart, it sets it and restarts the cluster; anywhere else it says what to run.
 */
async function ensureLogicalWal(config: StackConfig, log: (line: string) => void): Promise<void> {
  const url = config.manageDatabase ? config.adminUrl : config.databaseUrl;
  const level = await withClient(url, async (client) => (await client.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level);
  if (level === 'logical') return;

  const cluster = config.PGHOST === '127.0.0.1' || config.PGHOST === 'localhost' ? await debianClusterOn(config.PGPORT) : undefined;
  const isRoot = process.getuid?.() === 0;
  if (!cluster || !isRoot || !config.manageDatabase) {
    throw new StackError(
      'postgres',
      `wal_level is '${level}', but CDC needs 'logical'. Run, as a superuser:\n` +
        `    psql -c "ALTER SYSTEM SET wal_level = logical"\n` +
        `  then restart PostgreSQL (Debian: pg_ctlcluster --skip-systemctl-redirect <version> main restart).`,
    );
  }
  log(`postgres: wal_level is '${level}'; setting it to 'logical' and restarting cluster ${cluster.version}/${cluster.name}`);
  await withClient(config.adminUrl, (client) => client.query('ALTER SYSTEM SET wal_level = logical'));
  try {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, 'restart']);
  } catch (error) {
    throw new StackError('postgres', `restarting cluster ${cluster.version}/${cluster.name} failed: ${(error as Error).message}`, `/var/log/postgresql/postgresql-${cluster.version}-${cluster.name}.log`);
  }
  const after = await withClient(config.adminUrl, async (client) => (await client.query<{ wal_level: string }>('SHOW wal_level')).rows[0]?.wal_level);
  if (after !== 'logical') throw new StackError('postgres', `wal_level is still '${after}' after the restart`);
}

/** Creates the project's role and databases if missing (only when DATABASE_URL is not given). */
async function ensureRoleAndDatabases(config: StackConfig): Promise<void> {
  const app = new URL(config.databaseUrl);
  const role = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  const databases = [app.pathname.slice(1), config.registryDatabase];
  await withClient(config.adminUrl, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const ident = pg.escapeIdentifier(role);
    const secret = pg.escapeLiteral(password);
    // REPLICATION: the Debezium source connector reads the WAL as this role.
    if (exists.rowCount === 0) await client.query(`CREATE ROLE ${ident} LOGIN REPLICATION PASSWORD ${secret}`);
    for (const database of databases) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${ident}`);
    }
  });
}

/** Applies stack/sql/NNN_*.sql in order, each once, recorded in schema_migrations. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR).filter((file) => /^\d+_.+\.sql$/.test(file)).sort();
  return withClient(databaseUrl, async (client) => {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((row) => row.name));
    const done: string[] = [];
    for (const file of files) {
      if (applied.has(file)) continue;
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new StackError('postgres', `migration ${file} failed: ${(error as Error).message}`);
      }
      done.push(file);
    }
    return done;
  });
}

/**
 * Makes Postgres ready for the pipeline: reachable (starting a private cluster when nothing
 * answers locally and DATABASE_URL is not set), wal_level=logical, role, databases, migrations.
 * Returns true when it started a private cluster.
 */
export async function ensurePostgres(config: StackConfig, log: (line: string) => void): Promise<boolean> {
  const probeUrl = config.manageDatabase ? config.adminUrl : config.databaseUrl;
  const isLocal = config.PGHOST === '127.0.0.1' || config.PGHOST === 'localhost';
  let started = false;
  try {
    await withClient(probeUrl, (client) => client.query('SELECT 1'));
  } catch (error) {
    const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    if (refused && isLocal && config.manageDatabase && !config.PG_ADMIN_URL) {
      started = await startPrivatePostgres(config, log);
      await withClient(probeUrl, (client) => client.query('SELECT 1'));
    } else throw new StackError(
      'postgres',
      `cannot connect to ${describe(probeUrl)}: ${(error as Error).message}. ` +
        `Start PostgreSQL (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), ` +
        `or point DATABASE_URL (and PG_ADMIN_URL) at a server that runs.`,
    );
  }
  await ensureLogicalWal(config, log);
  if (config.manageDatabase) await ensureRoleAndDatabases(config);
  const applied = await migrate(config.databaseUrl);
  if (applied.length > 0) log(`postgres: applied migrations ${applied.join(', ')}`);
  return started;
}

/** The tables Kafka Connect's sinks fill from topics: derived data, emptied when the cluster changes. */
const SINK_TABLES = ['window_counts_1m', 'alerts'] as const;

/**
 * Makes the sink tables belong to the Kafka cluster `clusterId`. When they were filled from
 * another cluster (whose topics are gone), they are emptied, since no replay could reproduce
 * them: the sinks then fill them from this cluster's topics. The first time (no origin
 * recorded), the cluster is only recorded. Answers with the cluster the rows came from, when it
 * emptied them.
 */
export async function alignSinkTables(databaseUrl: string, clusterId: string): Promise<string | undefined> {
  return withClient(databaseUrl, async (client) => {
    await client.query('BEGIN');
    try {
      const recorded = (await client.query<{ kafka_cluster_id: string }>('SELECT kafka_cluster_id FROM sink_origin FOR UPDATE')).rows[0]?.kafka_cluster_id;
      if (recorded !== clusterId) {
        if (recorded !== undefined) await client.query(`TRUNCATE ${SINK_TABLES.join(', ')}`);
        await client.query(
          'INSERT INTO sink_origin (kafka_cluster_id) VALUES ($1) ON CONFLICT (singleton) DO UPDATE SET kafka_cluster_id = EXCLUDED.kafka_cluster_id, recorded_at = now()',
          [clusterId],
        );
      }
      await client.query('COMMIT');
      return recorded !== undefined && recorded !== clusterId ? recorded : undefined;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  });
}

export async function postgresHealthy(config: StackConfig): Promise<boolean> {
  await withClient(config.databaseUrl, (client) => client.query('SELECT 1'));
  return true;
}
