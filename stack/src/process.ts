import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackConfig } from './config.ts';
import { StackError } from './errors.ts';

/** A long-running process the stack tool starts detached and tracks by pid file. */
export interface ManagedProcess {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

export function logFileOf(config: StackConfig, name: string): string {
  return join(config.paths.logs, `${name}.log`);
}

function pidFileOf(config: StackConfig, name: string): string {
  return join(config.paths.run, `${name}.pid`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a process this tool started and that still runs, or undefined (a stale pid file is removed). */
export function runningPid(config: StackConfig, name: string): number | undefined {
  const file = pidFileOf(config, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  // A pid can be reused by an unrelated process after a reboot: check it still carries our marker.
  let alive = Number.isInteger(pid) && pid > 0 && isAlive(pid);
  if (alive) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      alive = environ.split('\0').includes(`IOT_STACK_COMPONENT=${name}`);
    } catch {
      alive = false;
    }
  }
  if (!alive) rmSync(file, { force: true });
  return alive ? pid : undefined;
}

/** Starts a process detached from this one (it outlives `up`), output appended to its log file. */
export function startDetached(config: StackConfig, spec: ManagedProcess): number {
  mkdirSync(config.paths.logs, { recursive: true });
  mkdirSync(config.paths.run, { recursive: true });
  const logFile = logFileOf(config, spec.name);
  const out = openSync(logFile, 'a');
  try {
    writeFileSync(out, `\n==== ${new Date().toISOString()} starting ${spec.name}: ${spec.command} ${spec.args.join(' ')}\n`);
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, IOT_STACK_COMPONENT: spec.name },
      detached: true,
      stdio: ['ignore', out, out],
    });
    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError = error;
    });
    if (child.pid === undefined) {
      throw new StackError(spec.name, `could not run ${spec.command}: ${spawnError?.message ?? 'spawn failed'}`, logFile);
    }
    child.unref();
    writeFileSync(pidFileOf(config, spec.name), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** Stops a process this tool started: `stopSignal` to its process group, SIGKILL after the grace period. */
export async function stopProcess(config: StackConfig, name: string, stopSignal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<boolean> {
  const pid = runningPid(config, name);
  if (pid === undefined) return false;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal(stopSignal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) signal('SIGKILL');
  while (isAlive(pid)) await sleep(100);
  rmSync(pidFileOf(config, name), { force: true });
  return true;
}

async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Fails when a port this component needs is held by a process the stack tool did not start. */
export async function assertPortFree(component: string, port: number, envName: string): Promise<void> {
  if (await isPortOpen(port)) {
    throw new StackError(
      component,
      `port ${port} is already in use by a process the stack tool did not start. ` +
        `Stop that process (see: ss -ltnp 'sport = :${port}') or choose another port with ${envName}=<port>.`,
    );
  }
}

/**
 * Polls `check` until it returns true. Fails with the component's name, its log file, and the
 * last error seen, when the process dies or the timeout passes.
 */
export async function waitUntilHealthy(
  config: StackConfig,
  name: string,
  check: () => Promise<boolean>,
  timeoutMs = config.startTimeoutMs,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    const managed = existsSync(pidFileOf(config, name));
    if (managed && runningPid(config, name) === undefined) {
      throw new StackError(name, `exited during start-up${tail(logFileOf(config, name))}`, logFileOf(config, name));
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new StackError(name, `not healthy after ${Math.round(timeoutMs / 1000)} s${why}`, logFileOf(config, name));
    }
    await sleep(500);
  }
}

/** The last lines of a log, to put the likely cause right into an error message. */
function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n    ');
  return `; last log lines:\n    ${text}`;
}

/** SIGKILL, no grace: for fault-injection tests of crash recovery. */
export async function killComponent(config: StackConfig, name: string): Promise<boolean> {
  return stopProcess(config, name, 'SIGKILL', 0);
}
