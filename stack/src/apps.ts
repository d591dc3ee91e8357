import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StackConfig } from './config.ts';
import { REPO_ROOT } from './config.ts';
import { StackError } from './errors.ts';
import { grpcHealthStatus } from './grpc-health.ts';
import { assertPortFree, logFileOf, runningPid, startDetached, waitUntilHealthy } from './process.ts';

const run = promisify(execFile);

/** One of the pipeline's own services, run from its workspace. */
interface App {
  readonly name: string;
  readonly workspace: string;
  readonly args: readonly string[];
  readonly port: number;
  readonly portEnv: string;
  readonly env: NodeJS.ProcessEnv;
  readonly healthy: () => Promise<boolean>;
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return response.ok;
}

/** Each service's Prometheus port, as this stack runs it. */
export function metricsPorts(config: StackConfig) {
  return { producers: config.PRODUCERS_METRICS_PORT, 'stream-processor': config.PROCESSOR_METRICS_PORT, 'grpc-gateway': config.GATEWAY_METRICS_PORT } as const;
}

/** What every service is told about the stack: the same names the docker-compose file uses. */
export function serviceEnv(config: StackConfig): NodeJS.ProcessEnv {
  return {
    KAFKA_BROKERS: config.kafkaBootstrap,
    SCHEMA_REGISTRY_URL: config.registryCcompatUrl,
    DATABASE_URL: config.databaseUrl,
    // The gateway's GetPipelineHealth probes Connect's REST API.
    CONNECT_URL: config.connectUrl,
    GATEWAY_PORT: String(config.GATEWAY_PORT),
    GATEWAY_ADDRESS: `127.0.0.1:${config.GATEWAY_PORT}`,
  };
}

export function apps(config: StackConfig): App[] {
  const tsx = [process.execPath, '--import', 'tsx', 'src/main.ts'];
  const ports = metricsPorts(config);
  const portEnv = { producers: 'PRODUCERS_METRICS_PORT', 'stream-processor': 'PROCESSOR_METRICS_PORT', 'grpc-gateway': 'GATEWAY_METRICS_PORT' } as const;
  const metrics = (name: keyof typeof ports): App => ({
    name,
    workspace: name,
    args: tsx,
    port: ports[name],
    portEnv: portEnv[name],
    env: { METRICS_PORT: String(ports[name]) },
    healthy: () => httpOk(`http://127.0.0.1:${ports[name]}/metrics`),
  });
  return [
    metrics('stream-processor'),
    metrics('producers'),
    {
      ...metrics('grpc-gateway'),
      // SERVING only once it has read the window-count topic up to its end.
      healthy: async () => (await grpcHealthStatus(`127.0.0.1:${config.GATEWAY_PORT}`, 'iot.v1.PipelineService')) === 'SERVING',
    },
    {
      name: 'dashboard',
      workspace: 'dashboard',
      args: [process.execPath, join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-H', '127.0.0.1', '-p', String(config.DASHBOARD_PORT)],
      port: config.DASHBOARD_PORT,
      portEnv: 'DASHBOARD_PORT',
      env: {},
      healthy: () => httpOk(`http://127.0.0.1:${config.DASHBOARD_PORT}/api/health`),
    },
  ];
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.next') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the dashboard for production when it has never been built or its sources changed since. */
async function buildDashboardIfStale(log: (line: string) => void): Promise<void> {
  const dir = join(REPO_ROOT, 'dashboard');
  const buildId = join(dir, '.next', 'BUILD_ID');
  const sourcesChanged = Math.max(newestMtime(dir), newestMtime(join(REPO_ROOT, 'contracts', 'src')));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sourcesChanged) return;
  log('dashboard: building the Next.js app (first run or sources changed)…');
  try {
    await run(process.execPath, [join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
      cwd: dir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    throw new StackError('dashboard', `next build failed:\n${output.trim().split('\n').slice(-30).join('\n')}`);
  }
}

/** Starts every app that is not running yet, pushing each one's name to `started`. */
export async function startApps(config: StackConfig, log: (line: string) => void, started: string[] = []): Promise<string[]> {
  // Never build under a running `next start`: it would swap .next under the live server.
  if (config.STACK_APPS.includes('dashboard') && runningPid(config, 'dashboard') === undefined) await buildDashboardIfStale(log);
  const env = { ...serviceEnv(config), NEXT_TELEMETRY_DISABLED: '1' };
  for (const app of apps(config).filter((candidate) => config.STACK_APPS.includes(candidate.name as (typeof config.STACK_APPS)[number]))) {
    if (runningPid(config, app.name) === undefined) {
      await assertPortFree(app.name, app.port, app.portEnv);
      const [command, ...args] = app.args;
      startDetached(config, { name: app.name, command: command!, args, cwd: join(REPO_ROOT, app.workspace), env: { ...env, ...app.env } });
      log(`${app.name}: starting (log ${logFileOf(config, app.name)})`);
      started.push(app.name);
    }
    await waitUntilHealthy(config, app.name, app.healthy);
  }
  return started;
}
