import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { ALERT_ACKS_TOPIC, ALERT_RULES, ALERT_SEVERITIES, ALERT_STATES, ALERTS_TOPIC } from '@iot/contracts';
import { parseAckArgs, sendAck } from './ack.ts';
import { ConfigError, createKafka, createLogger, createRegistry } from '@iot/runtime';
import { loadConfig } from './config.ts';
import { matches, matchesTombstone, parseTailArgs, UsageError, type TailOptions } from './filter.ts';
import { formatRecord } from './format.ts';
import { decodeAlertRecord } from './record.ts';

const HELP = `Usage: npm run alerts -- tail [options]
       npm run alerts -- ack <alertId> [--by NAME]

ack: asks the stream processor to acknowledge an OPEN alert (alertId as tail prints it:
sensorId/RULE/openedAt). The alert's next record has state ACKNOWLEDGED; an alert that has
cleared, or another occurrence, is left alone. --by defaults to the user name.

tail:

Follows the alert topic ${ALERTS_TOPIC} (compacted, key = {sensorId, rule}) and prints one line
per alert update, from now on; with --from-beginning, first the current state of every alert
still in the topic. Only committed records are read. Ctrl-C stops.

Options:
  --site S            only alerts of site S (exact siteId)
  --sensor ID         only alerts of sensor ID (exact sensorId)
  --severity LEVEL    ${ALERT_SEVERITIES.join(' | ')}
  --state STATE       ${ALERT_STATES.join(' | ')}
  --rule RULE         ${ALERT_RULES.join(' | ')}
  --from-beginning    start at the beginning of the topic instead of the latest offsets
  --json              one JSON object per line: {"key", "tombstone", "partition", "offset",
                      "timestamp", "alert"} (timestamps in epoch ms)
  -h, --help          this help

A tombstone (a cleared alert that expired) prints as "<sensorId>/<rule> expired"
(JSON: "tombstone": true, no "alert"); it is shown only when no --site, --severity or --state
is given. Records that cannot be decoded are reported on stderr and skipped.

Connection settings come from env vars: KAFKA_BROKERS (127.0.0.1:9092),
SCHEMA_REGISTRY_URL (http://127.0.0.1:8081/apis/ccompat/v7).
`;

/**
 * Stops once on SIGINT/SIGTERM, then exits 0. Ctrl-C reaches this process more than once: from
 * the terminal (the whole foreground process group) and again relayed by the wrappers in between
 * (npm, tsx), so signals within a second of the first are copies of it. (The runtime's
 * onShutdown exits at once on a second signal, which would skip deleting the consumer group.)
 * A signal after that is a person pressing Ctrl-C again: exit at once.
 */
function onInterrupt(stop: () => Promise<void>): void {
  let firstAt: number | undefined;
  const handle = (): void => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      void stop().then(() => process.exit(0));
    } else if (Date.now() - firstAt > 1000) {
      process.exit(130);
    }
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const warn = (text: string): void => void process.stderr.write(`alerts: ${text}\n`);

async function tail(options: TailOptions): Promise<void> {
  const config = loadConfig();
  // kafkajs's own log lines would go to stdout (pino), among the alerts: keep it quiet, and
  // report what matters (failed connects, consumer crashes) on stderr below.
  const logger = createLogger('alerts-cli', 'silent');
  const kafka = createKafka('iot-alerts-cli', config.KAFKA_BROKERS, logger);
  const registry = createRegistry(config.SCHEMA_REGISTRY_URL);

  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(ALERTS_TOPIC)) {
      throw new Error(`topic ${ALERTS_TOPIC} does not exist on ${config.KAFKA_BROKERS.join(',')} (npm run stack -- provision creates it)`);
    }
  } catch (error) {
    await admin.disconnect();
    throw error;
  }

  // A group of its own each run, never committed and deleted on exit: a console consumer.
  const groupId = `iot-alerts-cli-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await consumer.disconnect().catch((error: unknown) => warn(`disconnecting the consumer failed: ${errorText(error)}`));
      await admin.deleteGroups([groupId]).catch((error: unknown) => warn(`deleting consumer group ${groupId} failed: ${errorText(error)}`));
      await admin.disconnect().catch(() => undefined);
    })());
  const stopAndExit = (code: number): void => void stop().then(() => process.exit(code));

  onInterrupt(stop);
  // `... | head`: the reader went away; stop quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') warn(`cannot write to stdout: ${error.message}`);
    stopAndExit(error.code === 'EPIPE' ? 0 : 1);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    warn(`consumer failed${payload.restart ? ' (restarting)' : ''}: ${errorText(payload.error)}`);
    if (!payload.restart) stopAndExit(1);
  });

  const write = async (line: string): Promise<void> => {
    if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain').catch(() => undefined);
  };
  const decode = (payload: Buffer): Promise<unknown> => registry.decode(payload);

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [ALERTS_TOPIC], fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        try {
          const record = await decodeAlertRecord(decode, { partition, ...message });
          const shown = record.kind === 'alert' ? matches(record.alert, options.filter) : matchesTombstone(record.key, options.filter);
          if (shown) await write(formatRecord(record, options.json));
        } catch (error) {
          warn(`skipping ${topic} partition ${partition} offset ${message.offset}: ${errorText(error)}`);
        }
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  warn(`following ${ALERTS_TOPIC} from ${options.fromBeginning ? 'the beginning' : 'the latest offsets'}; Ctrl-C to stop`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (command === 'ack') {
    const options = parseAckArgs(rest);
    const { partition, offset } = await sendAck(loadConfig(), options);
    process.stdout.write(`acknowledgement for ${options.alertId} by ${options.by} sent (${ALERT_ACKS_TOPIC} partition ${partition} offset ${offset})\n`);
    return;
  }
  if (command !== 'tail') throw new UsageError(`unknown command "${command}"; the commands are tail and ack`);
  const options = parseTailArgs(rest);
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  await tail(options);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    warn(`${error.message} (see --help)`);
    process.exitCode = 2;
  } else if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`); // already names the tool and every bad variable
    process.exitCode = 1;
  } else {
    warn(errorText(error));
    process.exitCode = 1;
  }
});
