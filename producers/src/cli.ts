import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectIdempotentProducer, createKafka, createLogger, createRegistry } from '@iot/runtime';
import { loadConfig } from './config.ts';
import { defaultFleet, loadFleet, naturalRate, scaleIntervals } from './fleet.ts';
import { expectedAlerts, loadScenario } from './scenario.ts';
import { checkTimingRatios, simulate } from './simulator.ts';
import { Tally } from './tally.ts';
import { DETECTOR_DEFAULTS } from './detector-defaults.ts';

const SILENCE_AFTER_MS = DETECTOR_DEFAULTS.silence.afterMs;

const HELP = `Usage: npm run producers -- run [options]
       npm run producers -- expect --scenario S [--fleet FILE] [--rate N] [--prefix TEXT]
       npm run producers -- fleet [--fleet FILE] [--prefix TEXT]

run     sends simulated sensor readings (Avro, through the schema registry) to iot.sensor-readings.
expect  prints, as JSON, which alert rules each fault of the scenario is designed to raise with
        the stream processor's default rules ("raises": must open; "mayRaise": may also open).
fleet   prints the fleet's sensors as JSON lines {id, type, siteId, unit, intervalMs}: what
        "run" simulates (the devices table in Postgres is seeded with the default fleet).

Options:
  --fleet FILE        fleet description, YAML (.yaml/.yml) or JSON (.json):
                      sites: [{id, sensors: [{type, id | count, intervalMs?, unit?}]}]
                      (example: fleets/demo.yaml); default: the built-in demo fleet
                      (3 sites, 38 sensors of all six types, 14.7 readings/s)
  --prefix TEXT       put TEXT in front of every site and sensor id (unique ids per test run);
                      scenario sensor names get it too
  --rate N            readings per second over the whole fleet: every sensor's interval is
                      scaled by the same factor (their ratios stay); default: each sensor's
                      own interval (intervalMs in the fleet, else its type's default)
  --duration D        stop after D seconds (e.g. 30, 30s, 2m); default: until Ctrl-C
  --scenario S        faults to inject: a built-in name (demo) or a YAML/JSON file with
                      {repeatEveryS?, faults: [{sensor, fault, startS, endS, ...}]}, fault one of
                      spike (value), stuck (value), drift (by), step (by), silence,
                      flapping (around, amplitude, periodS); times in seconds since the start
  --seed N            seed for the signals, schedule, timing and transport faults (default 42):
                      same seed, same values
  --out-of-order-ratio R
                      fraction (0-1) of readings stamped 1-4 s in the past, inside the
                      processor's grace period (default 0)
  --late-ratio R      fraction (0-1) of readings stamped 5 minutes in the past, beyond window
                      end + grace, from 3 s into the run on (default 0); the two ratios add up to at most 1
  --duplicate-ratio R fraction (0-1) of readings sent again right after their batch was
                      acknowledged, as an application retry would (default 0): new records, which
                      the processor counts again
  --malformed-ratio R fraction (0-1) of readings replaced by a malformed record (default 0):
                      JSON text (bad-magic-byte), a frame that is not Avro (undecodable) or a NaN
                      value (invalid-value), each with the header sim.malformed=<kind>: DLQ material
  --tally FILE        write what the broker acknowledged to FILE when the run ends: per sensor
                      per minute (count, min, max, sum; a duplicate counts twice), late readings
                      apart, duplicates and malformed records apart
                      (JSON {"windows":[...],"late":{"count","bySensor"},
                      "duplicates":{"count","bySensor"},"malformed":{"count","byKind"}})
  --quiet             no live progress line (default when CI is set or stdout is not a terminal)
  -h, --help          this help

Connection settings come from env vars: KAFKA_BROKERS (127.0.0.1:9092),
SCHEMA_REGISTRY_URL (http://127.0.0.1:8081/apis/ccompat/v7).
`;

/**
 * A file argument, relative to where the user ran npm (INIT_CWD), not to this workspace, which
 * `npm run producers` makes the working directory. Built-in scenario names pass unchanged.
 */
function userFile(path: string): string {
  if (isAbsolute(path) || !/[/\\.]/.test(path)) return path;
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

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
      rate: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '42' },
      'out-of-order-ratio': { type: 'string', default: '0' },
      'late-ratio': { type: 'string', default: '0' },
      'duplicate-ratio': { type: 'string', default: '0' },
      'malformed-ratio': { type: 'string', default: '0' },
      scenario: { type: 'string' },
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
  const rate = values.rate === undefined ? undefined : parsePositive('rate', values.rate);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got "${values.seed}"`);
  const outOfOrderRatio = parseRatio('out-of-order-ratio', values['out-of-order-ratio']);
  const lateRatio = parseRatio('late-ratio', values['late-ratio']);
  checkTimingRatios({ outOfOrderRatio, lateRatio });
  const duplicateRatio = parseRatio('duplicate-ratio', values['duplicate-ratio']);
  const malformedRatio = parseRatio('malformed-ratio', values['malformed-ratio']);
  const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
  const fleet = scaleIntervals(values.fleet ? loadFleet(userFile(values.fleet), values.prefix) : defaultFleet(values.prefix), rate);
  const slowest = Math.max(...fleet.map((sensor) => sensor.intervalMs));
  if (slowest >= SILENCE_AFTER_MS) {
    console.error(`producers: warning: at this rate some sensors read only every ${(slowest / 1000).toFixed(1)} s, so the processor's SILENCE rule (${SILENCE_AFTER_MS / 1000} s) will fire for them`);
  }
  const scenario = values.scenario === undefined ? undefined : loadScenario(userFile(values.scenario), fleet, values.prefix);
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
      seed,
      outOfOrderRatio,
      lateRatio,
      duplicateRatio,
      malformedRatio,
      tally,
      ...(scenario === undefined ? {} : { scenario }),
      signal: stop.signal,
      ...(durationMs === undefined ? {} : { durationMs }),
      onProgress: quiet
        ? undefined
        : (s) => process.stdout.write(`\r${(s.sent / Math.max(s.elapsedMs / 1000, 0.001)).toFixed(1)} readings/s, sent ${s.sent}, errors ${s.errors}, registry calls ${s.registryCalls}   `),
      onError: (error) => console.error(`send failed: ${(error as Error).message}`),
    });
    if (!quiet) process.stdout.write('\n');
    console.log(JSON.stringify({ sent: stats.sent, outOfOrder: stats.outOfOrder, late: stats.late, duplicates: stats.duplicates, malformed: stats.malformed, errors: stats.errors, seconds: stats.elapsedMs / 1000, sensors: fleet.length, rate: Number(naturalRate(fleet).toFixed(3)) }));
  } finally {
    if (tally && values.tally) tally.write(userFile(values.tally));
    await producer.disconnect();
  }
}

/** `expect`: what the scenario's faults raise, for the fleet at the given rate. No Kafka. */
function expect(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { fleet: { type: 'string' }, prefix: { type: 'string', default: '' }, rate: { type: 'string' }, scenario: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (values.help) return console.log(HELP);
  if (values.scenario === undefined) throw new Error('expect: --scenario is required');
  const rate = values.rate === undefined ? undefined : parsePositive('rate', values.rate);
  const fleet = scaleIntervals(values.fleet ? loadFleet(userFile(values.fleet), values.prefix) : defaultFleet(values.prefix), rate);
  const scenario = loadScenario(userFile(values.scenario), fleet, values.prefix);
  console.log(JSON.stringify({ scenario: scenario.name, repeatEveryS: scenario.repeatEveryS ?? null, faults: expectedAlerts(scenario) }, null, 2));
}

/** `fleet`: the sensors a run would simulate, one JSON line each. No Kafka. */
function listFleet(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { fleet: { type: 'string' }, prefix: { type: 'string', default: '' } }, strict: true });
  const fleet = values.fleet ? loadFleet(userFile(values.fleet), values.prefix) : defaultFleet(values.prefix);
  for (const { id, type, siteId, unit, intervalMs } of fleet) console.log(JSON.stringify({ id, type, siteId, unit, intervalMs }));
}

const COMMANDS: Record<string, (argv: string[]) => void | Promise<void>> = { run, expect, fleet: listFleet };
const [command, ...rest] = process.argv.slice(2);
const handler = command === undefined ? undefined : COMMANDS[command];
const action = handler ? Promise.resolve().then(() => handler(rest)) : Promise.resolve(console.log(HELP));
if (!handler && command !== undefined && command !== '--help' && command !== '-h') process.exitCode = 2;
action.catch((error: unknown) => {
  console.error(`producers: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
