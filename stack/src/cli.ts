import { existsSync, readFileSync } from 'node:fs';
import { loadStackConfig, type StackConfig } from './config.ts';
import { connectorStatuses, formatConnectorStatus } from './connect.ts';
import { StackError } from './errors.ts';
import { logFileOf } from './process.ts';
import { allComponents, down, provision, reset, status, up, upWithApps } from './stack.ts';

const USAGE = `Usage: npm run stack -- <command>

  up [--apps]     start Kafka, Apicurio Registry, Kafka Connect (and check Postgres), create
                  topics and apply connectors; with --apps also the pipeline's services.
                  Already running parts are left as they are.
  start           up --apps, print the dashboard URL, and run until Ctrl-C, which stops
                  everything this command started (what \`npm start\` runs)
  provision       only create topics, run migrations and apply connectors, against servers
                  given by KAFKA_BROKERS, CONNECT_URL and DATABASE_URL (docker compose uses this)
  down [--only a,b]  stop every process the tool started (or only the named ones)
  status          what runs, with pids, and each connector's and task's state (with the trace
                  of a FAILED one); operate connectors with npm run connect -- help
  logs <name>     print the last 100 lines of a component's log (postgres when the tool runs
                  its own cluster, kafka, registry, connect, producers, stream-processor, grpc-gateway, dashboard)
  reset           down, then delete Kafka's and Connect's data under .stack/data (downloads are kept)
`;

const log = (line: string) => console.log(line);
// `npm run stack -- status | head`: the reader went away; stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));

async function start(config: StackConfig): Promise<void> {
  const started: string[] = [];
  try {
    await upWithApps(config, log, started);
  } catch (error) {
    log(`${error instanceof Error ? error.message : String(error)}\n\nstopping what this command started…`);
    await down(config, log, started);
    throw new StackError('start', 'the pipeline did not come up (see above)');
  }
  log(`\nThe pipeline is running.\n  Dashboard:   http://localhost:${config.DASHBOARD_PORT}\n  gRPC:        127.0.0.1:${config.GATEWAY_PORT}\n  Kafka:       ${config.kafkaBootstrap}\n  Registry:    ${config.registryCcompatUrl}\n  Connect:     ${config.connectUrl}\n  Logs:        ${config.paths.logs}\nPress Ctrl-C to stop.`);
  // Stay in the foreground until Ctrl-C (signal handlers alone do not keep Node running), and
  // meanwhile say so when a component dies instead of leaving a silently broken pipeline.
  const reported = new Set<string>();
  const watch = setInterval(() => {
    for (const { name, pid } of status(config)) {
      if (pid === undefined && started.includes(name) && !reported.has(name)) {
        reported.add(name);
        log(`${name} has stopped unexpectedly; see ${logFileOf(config, name)}`);
      }
    }
  }, 5000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(watch);
  // Ctrl-C reaches npm, tsx and us at once, and tsx forwards it again: swallow the repeats so the
  // shutdown below runs to the end.
  const stoppingAt = Date.now();
  const repeat = () => {
    if (Date.now() - stoppingAt > 2000) log('still stopping; please wait…');
  };
  process.on('SIGINT', repeat);
  process.on('SIGTERM', repeat);
  log('\nstopping what this command started…');
  await down(config, log, started);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadStackConfig();
  switch (command) {
    case 'up': {
      const started = await (rest.includes('--apps') ? upWithApps(config, log) : up(config, log));
      log('stack is up');
      // For scripts that must stop exactly what they started (npm test).
      if (rest.includes('--report-started')) log(`STARTED ${JSON.stringify(started)}`);
      return;
    }
    case 'start':
      return start(config);
    case 'provision':
      await provision(config, log);
      log('provisioned');
      return;
    case 'down': {
      const only = rest[rest.indexOf('--only') + 1];
      return down(config, log, rest.includes('--only') && only ? only.split(',') : undefined);
    }
    case 'reset':
      return reset(config, log);
    case 'status': {
      for (const { name, pid } of status(config)) log(`${name.padEnd(18)} ${pid ? `running (pid ${pid})` : 'stopped'}`);
      try {
        const connectors = await connectorStatuses(config);
        log(connectors.length > 0 ? '\nconnectors (more: npm run connect -- help):' : '\nno connectors');
        for (const connector of connectors) for (const line of formatConnectorStatus(connector)) log(line);
      } catch {
        log(`connect: REST API not reachable at ${config.connectUrl}`);
      }
      return;
    }
    case 'logs': {
      const name = rest[0];
      if (!name || !allComponents(config).includes(name)) throw new StackError('stack', `logs needs one of: ${allComponents(config).join(', ')}`);
      const file = logFileOf(config, name);
      if (!existsSync(file)) throw new StackError(name, 'has no log yet', file);
      log(readFileSync(file, 'utf8').trimEnd().split('\n').slice(-100).join('\n'));
      return;
    }
    default:
      console.log(USAGE);
      if (command && command !== 'help' && command !== '--help') process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
