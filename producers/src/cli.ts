import { parseArgs } from 'node:util';
import { connectIdempotentProducer, createKafka, createLogger, createRegistry } from '@iot/runtime';
import { loadConfig } from './config.ts';
import { defaultFleet, loadFleet } from './fleet.ts';
import { checkTimingRatios, simulate } from './simulator.ts';
import { Tally } from './tally.ts';

const HELP = `Usage: npm run producers -- run [options]

Sends simulated sensor readings (Avro, through the schema registry) to iot.sensor-readings.

Options:
  --fleet FILE        fleet description (JSON: {"sites":[{"id","sensors":[{"id","type"}]}]});
                      default: the built-in demo fleet (3 sites x 6 sensor types)
  --prefix TEXT       prefix every site and sensor id of the built-in fleet (unique ids per test run)
  --rate N            readings per second over the whole fleet (default 20)
  --duration D        stop after D seconds (e.g. 30, 30s, 2m); default: until Ctrl-C
  --seed N            seed for the signal noise and timing (default 42): same seed, same values
  --out-of-order-ratio R
                      fraction (0-1) of readings stamped 1-4 s in the past, inside the
                      processor's grace period (default 0)
  --late-ratio R      fraction (0-1) of readings stamped 5 minutes in the past, beyond window
                      end + grace, from 3 s into the run on (default 0); the two ratios add up to at most 1
  --tally FILE        write what the broker acknowledged to FILE when the run ends: per sensor
                      per minute (count, min, max, sum), late readings counted apart
                      (JSON {"windows":[...],"late":{"count","bySensor"}})
  --quiet             no live progress line (default when CI is set or stdout is not a terminal)
  -h, --help          this help

Connection settings come from env vars: KAFKA_BROKERS (127.0.0.1:9092),
SCHEMA_REGISTRY_URL (http://127.0.0.1:8081/apis/ccompat/v7).
`;

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--duration: expected a number with an optional unit (ms, s, m, h), got "${text}"`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * factor;
}

function parseRatio(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new Error(`--${name}: expected a number from 0 to 1, got "${text}"`);
  return value;
}

function parsePositive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, got "${text}"`);
  return value;
}

async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      prefix: { type: 'string', default: '' },
      rate: { type: 'string', default: '20' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '42' },
      'out-of-order-ratio': { type: 'string', default: '0' },
      'late-ratio': { type: 'string', default: '0' },
      tally: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const rate = parsePositive('rate', values.rate);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got "${values.seed}"`);
  const outOfOrderRatio = parseRatio('out-of-order-ratio', values['out-of-order-ratio']);
  const lateRatio = parseRatio('late-ratio', values['late-ratio']);
  checkTimingRatios({ outOfOrderRatio, lateRatio });
  const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
  const fleet = values.fleet ? loadFleet(values.fleet) : defaultFleet(values.prefix);
  const quiet = values.quiet || Boolean(process.env.CI) || !process.stdout.isTTY;

  const config = loadConfig();
  const logger = createLogger('producers-cli', 'warn');
  const producer = await connectIdempotentProducer(createKafka('iot-producers-cli', config.KAFKA_BROKERS, logger));
  const tally = values.tally ? new Tally() : undefined;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const stats = await simulate(producer, createRegistry(config.SCHEMA_REGISTRY_URL), config.SCHEMA_REGISTRY_URL, fleet, {
      rate,
      seed,
      outOfOrderRatio,
      lateRatio,
      tally,
      signal: stop.signal,
      ...(durationMs === undefined ? {} : { durationMs }),
      onProgress: quiet
        ? undefined
        : (s) => process.stdout.write(`\r${(s.sent / Math.max(s.elapsedMs / 1000, 0.001)).toFixed(1)} readings/s, sent ${s.sent}, errors ${s.errors}   `),
      onError: (error) => console.error(`send failed: ${(error as Error).message}`),
    });
    if (!quiet) process.stdout.write('\n');
    console.log(JSON.stringify({ sent: stats.sent, outOfOrder: stats.outOfOrder, late: stats.late, errors: stats.errors, seconds: stats.elapsedMs / 1000, sensors: fleet.length }));
  } finally {
    if (tally && values.tally) tally.write(values.tally);
    await producer.disconnect();
  }
}

const [command, ...rest] = process.argv.slice(2);
const action = command === 'run' ? run(rest) : Promise.resolve(console.log(HELP));
if (command !== 'run' && command !== undefined && command !== '--help' && command !== '-h') process.exitCode = 2;
action.catch((error: unknown) => {
  console.error(`producers: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
