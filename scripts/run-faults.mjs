// `npm run test:faults`: the fault-injection suite (faults/*.test.ts) against a PRIVATE stack of
// its own, since it kills the broker: its own STACK_HOME, ports, Postgres databases and CDC
// slot, so it never touches the development stack on the default ports, running or not.
// Brings that stack up (processor and gateway only), runs the suite one test after another,
// and stops the whole private stack, whatever the outcome, leaving the machine as it was.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');

/** The private stack: every port the default one uses (README "Ports") plus 100. */
const FAULTS_STACK_ENV = {
  STACK_HOME: join(root, '.stack-faults'),
  KAFKA_PORT: '9192',
  KAFKA_CONTROLLER_PORT: '9193',
  REGISTRY_PORT: '8181',
  REGISTRY_MANAGEMENT_PORT: '9100',
  CONNECT_PORT: '8183',
  GATEWAY_PORT: '50151',
  DASHBOARD_PORT: '3100',
  PRODUCERS_METRICS_PORT: '9564',
  PROCESSOR_METRICS_PORT: '9565',
  GATEWAY_METRICS_PORT: '9566',
  // Its own databases (iot_faults, iot_faults_registry; same role) and replication slot.
  STACK_DATABASE: 'iot_faults',
  CDC_SLOT_NAME: 'iot_faults_pipeline_devices',
  STACK_APPS: 'stream-processor,grpc-gateway',
};
// Whatever the caller's shell says about the default stack must not leak into this one.
const env = { ...process.env, ...FAULTS_STACK_ENV };
for (const name of ['DATABASE_URL', 'PG_ADMIN_URL', 'KAFKA_BROKERS', 'CONNECT_URL', 'REGISTRY_URL']) delete env[name];

const tsx = (args, options = {}) => spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env, stdio: 'inherit', ...options });
const files = readdirSync(join(root, 'faults')).filter((file) => file.endsWith('.test.ts')).sort().map((file) => join('faults', file));

console.log(`fault-injection suite: private stack under ${FAULTS_STACK_ENV.STACK_HOME} (Kafka ${FAULTS_STACK_ENV.KAFKA_PORT}, registry ${FAULTS_STACK_ENV.REGISTRY_PORT}, Connect ${FAULTS_STACK_ENV.CONNECT_PORT}, gateway ${FAULTS_STACK_ENV.GATEWAY_PORT}, database ${FAULTS_STACK_ENV.STACK_DATABASE})`);
// A fresh start: what an earlier run left (processes, Kafka's data; the logs stay) is removed,
// so that each run reads only its own records from the topics.
tsx(['stack/src/cli.ts', 'reset'], { stdio: 'ignore' });
const up = tsx(['stack/src/cli.ts', 'up', '--apps'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
process.stdout.write(up.stdout ?? '');
// The stack is private: stop all of it at the end, quietly, so the test runner's summary stays the last thing printed. Postgres is stopped only
// when the tool runs its own cluster; a system server is left alone.
const stopStarted = () => tsx(['stack/src/cli.ts', 'down'], { stdio: 'ignore' });
if (up.status !== 0) {
  console.error(`The private fault-injection stack did not come up (see above; logs under ${join(FAULTS_STACK_ENV.STACK_HOME, 'logs')}).`);
  stopStarted();
  process.exit(up.status ?? 1);
}

// Extra arguments go to node's test runner: `npm run test:faults -- --test-name-pattern='gateway SIGKILLed'` runs one test.
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...process.argv.slice(2), ...files], { cwd: root, env, stdio: 'inherit' });
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code) => {
  stopStarted();
  process.exit(code ?? 1);
});
