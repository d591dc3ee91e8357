// `npm test`: unit tests and integration tests in one node:test run, against the real local
// stack. Brings the stack and the pipeline's services up first when they are not running, and
// afterwards stops only what it started. `--unit` runs the unit tests alone, with no stack.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const unitOnly = process.argv.includes('--unit');

function findTests(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, out);
    else if (entry.name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const unitTests = ['contracts', 'packages', 'stack', 'producers', 'alerts-cli', 'stream-processor', 'grpc-gateway', 'dashboard', 'bench'].flatMap((dir) => findTests(join(root, dir)));
const integrationTests = findTests(join(root, 'e2e'));
const tsx = (args, options = {}) => spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: 'inherit', ...options });

let startedComponents = [];
if (!unitOnly) {
  // The stack tool prints what it starts; the JSON line at the end lists it for the teardown.
  const up = tsx(['stack/src/cli.ts', 'up', '--apps', '--report-started'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(up.stdout ?? '');
  if (up.status !== 0) {
    console.error('The local stack did not come up (see above); integration tests cannot run.');
    process.exit(up.status ?? 1);
  }
  const report = (up.stdout ?? '').split('\n').find((line) => line.startsWith('STARTED '));
  startedComponents = report ? JSON.parse(report.slice('STARTED '.length)) : [];
}

const files = unitOnly ? unitTests : [...unitTests, ...integrationTests];
const concurrency = unitOnly ? [] : ['--test-concurrency=1'];
const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...concurrency, '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => {
  if (startedComponents.length > 0) {
    // Quietly: the test runner's summary stays the last thing printed.
    tsx(['stack/src/cli.ts', 'down', '--only', startedComponents.join(',')], { stdio: 'ignore' });
  }
  process.exit(code ?? 1);
});
