import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { logFileOf, runningPid } from './process.ts';

const run = promisify(execFile);
export const POSTGRES = 'postgres';

/** initdb and pg_ctl of the newest PostgreSQL under /usr/lib/postgresql, or from the PATH. */
function postgresBin(tool: string): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((version) => existsSync(join(root, version, 'bin', tool)));
    versions.sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin', tool);
  }
  return tool;
}

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb and postgres refuse root). */
async function asPostgresUser(tool: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const isRoot = process.getuid?.() === 0;
  const [command, commandArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', postgresBin(tool), ...args]] : [postgresBin(tool), args];
  try {
    await run(command, commandArgs, { env: { ...process.env, ...env } });
  } catch (error) {
    const output = `${(error as { stderr?: string }).stderr ?? ''}`.trim();
    const hint = /Permission denied/.test(output) ? ' (the postgres user must be able to enter every folder above the cluster: set STACK_HOME to a path it can reach)' : '';
    throw new StackError(POSTGRES, `${tool} failed: ${output || (error as Error).message}${hint}`);
  }
}

/**
 * When no PostgreSQL server answers, the stack runs its own: a cluster under .stack/data/postgres
 * on PGPORT, trust auth on 127.0.0.1, wal_level=logical, started with pg_ctl.
 */
export async function startPrivatePostgres(config: StackConfig, log: (line: string) => void): Promise<boolean> {
  if (runningPid(config, POSTGRES) !== undefined) return false;
  const dataDir = join(config.paths.data, POSTGRES);
  const logFile = logFileOf(config, POSTGRES);
  mkdirSync(config.paths.logs, { recursive: true });
  mkdirSync(config.paths.run, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`postgres: no server answers on ${config.PGHOST}:${config.PGPORT}; creating a private cluster in ${dataDir}`);
    mkdirSync(config.paths.data, { recursive: true });
    mkdirSync(dataDir, { mode: 0o700 });
    if (isRoot) chownSync(dataDir, postgresUid(), postgresGid());
    await asPostgresUser('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-instructions']);
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      `\n# Set by the stack tool\nlisten_addresses = '127.0.0.1'\nport = ${config.PGPORT}\nunix_socket_directories = '${dataDir}'\nwal_level = logical\nmax_replication_slots = 10\nmax_wal_senders = 10\n`,
    );
  }
  if (!existsSync(logFile)) writeFileSync(logFile, '');
  if (isRoot) chownSync(logFile, postgresUid(), postgresGid());
  log(`postgres: starting the private cluster on 127.0.0.1:${config.PGPORT} (log ${logFile})`);
  await asPostgresUser('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'], { IOT_STACK_COMPONENT: POSTGRES });
  const pid = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
  writeFileSync(join(config.paths.run, `${POSTGRES}.pid`), `${pid}\n`);
  return true;
}

function idOf(flag: '-u' | '-g'): number {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new StackError(POSTGRES, 'running as root needs a "postgres" system user to own the private cluster (Debian: apt-get install -y postgresql)');
  const fields = line.split(':');
  return Number(flag === '-u' ? fields[2] : fields[3]);
}
const postgresUid = () => idOf('-u');
const postgresGid = () => idOf('-g');
