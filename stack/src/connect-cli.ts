import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadStackConfig, type StackConfig } from './config.ts';
import {
  anyFailed,
  applyConnectorConfigs,
  assertConnectorExists,
  changeConnectorState,
  CONNECT,
  type ConnectorStatus,
  connectorNames,
  connectorOffsets,
  connectorStatus,
  connectorStatuses,
  formatConnectorOffsets,
  formatConnectorStatus,
  hasSettled,
  isStable,
  readConnectorConfigs,
  resetConnectorOffsets,
  restartConnector,
  setConnectorConfig,
  type StateChange,
  TARGET_STATE,
  waitForConnector,
} from './connect.ts';
import { StackError } from './errors.ts';

export const USAGE = `Usage: npm run connect -- <command>

Operates the Kafka Connect connectors (connect-config/*.json) through Connect's REST API
(CONNECT_URL, default http://127.0.0.1:8083).

  apply                 create or update every connector from connect-config/ (each config is
                        validated by Connect first); prints created, updated or unchanged
  status [name] [--json]
                        each connector (or one): its state, worker and tasks, with the full
                        trace of anything FAILED. Exits 1 when a connector or task is FAILED.
                        --json prints Connect's status JSON (an array without a name)
  restart <name> [--failed-only]
                        restart the connector and all its tasks (only the FAILED ones with
                        --failed-only), then wait (60 s) until nothing is RESTARTING
  pause <name>          pause the connector and its tasks (they keep their resources), wait for PAUSED
  resume <name>         resume a paused or stopped connector, wait for RUNNING
  stop <name>           stop the connector and shut its tasks down, wait for STOPPED
  set <name> key=value [key=value ...]
                        change keys of a connector's config in Connect (validated first), for
                        experiments; \`apply\` puts the connect-config/ file back
  offsets <name> [--json]
                        the committed offsets: for a sink topic/partition → offset (its
                        consumer group's), for a source the partition and offset maps
  offsets <name> --reset
                        replay from the start: stop, delete the offsets, resume. For a sink
                        this replays its topics from the beginning (the JDBC sinks upsert, so
                        the tables end up the same); for the Debezium Postgres source it means
                        a new initial snapshot of the captured tables.

The other waits give up after 30 s. Connectors: iot-window-counts-sink, iot-alerts-sink (Debezium JDBC
sinks), iot-devices-source (Debezium Postgres source); see connect-config/README.md.
`;

export type ConnectCommand =
  | { kind: 'help' }
  | { kind: 'apply' }
  | { kind: 'status'; name?: string; json: boolean }
  | { kind: 'restart'; name: string; onlyFailed: boolean }
  | { kind: 'state'; change: StateChange; name: string }
  | { kind: 'offsets'; name: string; reset: boolean; json: boolean }
  | { kind: 'set'; name: string; values: Record<string, string> };

/** Wrong arguments: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FLAGS: Record<string, readonly string[]> = {
  apply: [],
  status: ['--json'],
  restart: ['--failed-only'],
  pause: [],
  resume: [],
  stop: [],
  offsets: ['--json', '--reset'],
  set: [],
};

/** The command line (after `npm run connect --`) as a command; a UsageError when it is wrong. */
export function parseConnectArgs(argv: readonly string[]): ConnectCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { kind: 'help' };
  const allowed = FLAGS[command];
  if (allowed === undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const flags = new Set<string>();
  const names: string[] = [];
  for (const arg of rest) {
    if (arg.startsWith('-')) {
      if (!allowed.includes(arg)) {
        throw new UsageError(allowed.length > 0 ? `${command} does not know ${arg} (only ${allowed.join(', ')})` : `${command} takes no options, got ${arg}`);
      }
      flags.add(arg);
    } else {
      names.push(arg);
    }
  }
  if (command === 'set') {
    const [name, ...assignments] = names;
    if (name === undefined || name.includes('=')) throw new UsageError('set needs a connector name, then key=value pairs');
    if (assignments.length === 0) throw new UsageError('set needs at least one key=value');
    const values: Record<string, string> = {};
    for (const assignment of assignments) {
      const equals = assignment.indexOf('=');
      if (equals <= 0) throw new UsageError(`set takes key=value pairs, got ${JSON.stringify(assignment)}`);
      values[assignment.slice(0, equals)] = assignment.slice(equals + 1);
    }
    return { kind: 'set', name, values };
  }
  const takesName = command !== 'apply';
  const nameOptional = command === 'status';
  if (!takesName && names.length > 0) throw new UsageError(`${command} takes no connector name, got ${names.join(' ')}`);
  if (takesName && names.length > 1) throw new UsageError(`${command} takes one connector name, got ${names.length}: ${names.join(' ')}`);
  const name = names[0];
  if (takesName && !nameOptional && (name === undefined || name.trim() === '')) throw new UsageError(`${command} needs a connector name`);
  switch (command) {
    case 'apply':
      return { kind: 'apply' };
    case 'status':
      return { kind: 'status', ...(name === undefined ? {} : { name }), json: flags.has('--json') };
    case 'restart':
      return { kind: 'restart', name: name!, onlyFailed: flags.has('--failed-only') };
    case 'offsets':
      if (flags.has('--reset') && flags.has('--json')) throw new UsageError('offsets --reset does not print JSON; leave out --json');
      return { kind: 'offsets', name: name!, reset: flags.has('--reset'), json: flags.has('--json') };
    default:
      return { kind: 'state', change: command as StateChange, name: name! };
  }
}

type Log = (line: string) => void;

/** How long `restart` waits: longer than the state changes, as a restarted JDBC sink task retries its database for about 30 s before it fails. */
const RESTART_TIMEOUT_MS = 60_000;

function withoutTraces(status: ConnectorStatus): ConnectorStatus {
  const { trace: _connectorTrace, ...connector } = status.connector;
  return { ...status, connector, tasks: status.tasks.map(({ trace: _trace, ...task }) => task) };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Sends pause/resume/stop and waits (30 s) for the connector to arrive in the state it leads to.
 * Fails when the connector itself does not get there; tasks still settling at the deadline are
 * reported, not failed.
 */
async function changeState(config: StackConfig, name: string, change: StateChange, log: Log): Promise<ConnectorStatus> {
  const target = TARGET_STATE[change];
  await changeConnectorState(config, name, change);
  const { status, settled, elapsedMs } = await waitForConnector(config, name, (current) => hasSettled(current, target));
  if (status.connector.state !== target) {
    throw new StackError(
      CONNECT,
      `${name} did not reach ${target} within ${seconds(elapsedMs)} after ${change}; it is ${status.connector.state}:\n${formatConnectorStatus(status).join('\n')}`,
    );
  }
  log(settled ? `${name}: ${target} after ${seconds(elapsedMs)}` : `${name}: ${target} after ${seconds(elapsedMs)}, but its tasks have not all followed yet`);
  return status;
}

function printStatuses(statuses: readonly ConnectorStatus[], log: Log): void {
  for (const status of statuses) for (const line of formatConnectorStatus(status)) log(line);
}

/** Runs one command; answers with the exit code. */
export async function runConnectCommand(config: StackConfig, command: ConnectCommand, log: Log = console.log): Promise<number> {
  switch (command.kind) {
    case 'help':
      log(USAGE);
      return 0;
    case 'apply': {
      const applied = await applyConnectorConfigs(config);
      if (applied.length === 0) log('connect-config/ has no connectors');
      for (const { name, outcome, changedKeys } of applied) {
        log(`${name}: ${outcome}${outcome === 'updated' ? ` (${changedKeys.join(', ')})` : ''}`);
      }
      const inFiles = new Set(readConnectorConfigs().map((connector) => connector.name));
      const others = (await connectorNames(config)).filter((name) => !inFiles.has(name));
      if (others.length > 0) log(`not in connect-config/, left as they are: ${others.join(', ')}`);
      return 0;
    }
    case 'status': {
      let statuses: ConnectorStatus[];
      if (command.name !== undefined) {
        await assertConnectorExists(config, command.name);
        const status = await connectorStatus(config, command.name);
        statuses = [status];
        if (command.json) log(JSON.stringify(status, null, 2));
      } else {
        statuses = await connectorStatuses(config);
        if (command.json) log(JSON.stringify(statuses, null, 2));
        else if (statuses.length === 0) log('Connect runs no connectors (create them with `npm run connect -- apply`)');
      }
      if (!command.json) printStatuses(statuses, log);
      return anyFailed(statuses) ? 1 : 0;
    }
    case 'restart': {
      await assertConnectorExists(config, command.name);
      const accepted = await restartConnector(config, command.name, command.onlyFailed);
      const restarting = accepted === undefined || accepted.connector.state === 'RESTARTING' || accepted.tasks.some((task) => task.state === 'RESTARTING');
      if (!restarting) {
        log(`nothing to restart in ${command.name}${command.onlyFailed ? ': no FAILED connector or task' : ''}`);
        printStatuses([accepted], log);
        return anyFailed([accepted]) ? 1 : 0;
      }
      log(`restart of ${command.name}${command.onlyFailed ? ' (failed instances only)' : ''} accepted`);
      // What Connect answers still carries the old traces of the instances it restarts: leave them out.
      if (accepted) printStatuses([withoutTraces(accepted)], log);
      const { status, settled, elapsedMs } = await waitForConnector(config, command.name, isStable, RESTART_TIMEOUT_MS);
      log(settled ? `after ${seconds(elapsedMs)}:` : `still restarting after ${seconds(elapsedMs)}:`);
      printStatuses([status], log);
      if (!settled) {
        throw new StackError(
          CONNECT,
          `${command.name} did not finish restarting within ${seconds(elapsedMs)} (a task stays RESTARTING until its start-up ` +
            `returns, e.g. while the JDBC sink retries its database); look again with \`npm run connect -- status ${command.name}\``,
        );
      }
      return anyFailed([status]) ? 1 : 0;
    }
    case 'state': {
      await assertConnectorExists(config, command.name);
      const status = await changeState(config, command.name, command.change, log);
      printStatuses([status], log);
      return anyFailed([status]) ? 1 : 0;
    }
    case 'set': {
      await assertConnectorExists(config, command.name);
      const changed = await setConnectorConfig(config, command.name, command.values);
      log(changed.length === 0
        ? `${command.name}: unchanged (it already has these values)`
        : `${command.name}: updated (${changed.join(', ')}); Connect restarts it with the new config. \`npm run connect -- apply\` puts connect-config/ back.`);
      return 0;
    }
    case 'offsets': {
      await assertConnectorExists(config, command.name);
      if (!command.reset) {
        const offsets = await connectorOffsets(config, command.name);
        log(command.json ? JSON.stringify(offsets, null, 2) : formatConnectorOffsets(command.name, offsets).join('\n'));
        return 0;
      }
      const before = await connectorStatus(config, command.name);
      log(`1/3 stopping ${command.name} (it is ${before.connector.state})`);
      await changeState(config, command.name, 'stop', log);
      log(`2/3 deleting ${command.name}'s offsets`);
      try {
        log(`  Connect: ${await resetConnectorOffsets(config, command.name)}`);
      } catch (error) {
        throw new StackError(
          CONNECT,
          `${(error as Error).message}\n${command.name} is left STOPPED with its offsets as they were; ` +
            `\`npm run connect -- resume ${command.name}\` continues where it was`,
          undefined,
          { cause: error },
        );
      }
      log(formatConnectorOffsets(command.name, await connectorOffsets(config, command.name)).map((line) => `  ${line}`).join('\n'));
      log(`3/3 resuming ${command.name}`);
      const after = await changeState(config, command.name, 'resume', log);
      printStatuses([after], log);
      if (before.connector.state !== 'RUNNING') log(`note: ${command.name} was ${before.connector.state} before the reset; it is RUNNING now`);
      return anyFailed([after]) ? 1 : 0;
    }
  }
}

async function main(argv: readonly string[]): Promise<void> {
  let command: ConnectCommand;
  try {
    command = parseConnectArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n`);
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await runConnectCommand(loadStackConfig(), command);
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
