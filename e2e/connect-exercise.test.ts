import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { query, REPO_ROOT, stack, waitFor } from './support.ts';

// Runs docs/exercises/connect-cdc.md as a learner would: every `<!-- step: NAME -->` code block,
// in the document's order, checking what the text says the learner will see.

const DOC = join(REPO_ROOT, 'docs', 'exercises', 'connect-cdc.md');
const steps = new Map([...readFileSync(DOC, 'utf8').matchAll(/<!-- step: ([\w-]+) -->\n```sh\n([\s\S]*?)```/g)].map(([, name, script]) => [name!, script!]));
const env = { ...process.env, IOT_DB: stack.databaseUrl };

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts a step's script; `output` is what it printed so far (stdout and stderr, interleaved). */
function shell(step: string): { child: ReturnType<typeof spawn>; done: Promise<Outcome>; output: () => string } {
  const script = steps.get(step);
  if (!script) throw new Error(`${DOC} has no step "${step}"`);
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let both = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), (both += chunk)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), (both += chunk)));
  const done = new Promise<Outcome>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => both };
}

/** Runs a step to its end; it must succeed unless `mayFail`. */
async function runStep(step: string, mayFail = false): Promise<Outcome> {
  const outcome = await shell(step).done;
  if (!mayFail) assert.equal(outcome.code, 0, `step ${step} failed:\n${outcome.stdout}\n${outcome.stderr}`);
  return outcome;
}

/** Re-runs a step until its outcome passes `check` (the doc says "within seconds"). */
function untilStep(step: string, what: string, check: (outcome: Outcome) => boolean, timeoutMs: number): Promise<Outcome> {
  return waitFor(`step ${step}: ${what}`, async () => {
    const outcome = await runStep(step, true);
    return check(outcome) ? outcome : undefined;
  }, timeoutMs, 2000);
}

/** The data rows of psql's aligned output, as cells. */
const psqlRows = (stdout: string) => stdout.split('\n').filter((line) => line.includes('|') && !/^-+\+/.test(line)).slice(1).map((line) => line.split('|').map((cell) => cell.trim()));

async function cleanUp(): Promise<void> {
  await query("UPDATE devices SET max_threshold = 45 WHERE sensor_id = 'plant-a-temperature-1' AND max_threshold IS DISTINCT FROM 45");
  await query("DELETE FROM devices WHERE sensor_id = 'lab-d-temperature-1'");
  await query('DROP TABLE IF EXISTS window_counts_before');
}

test('docs/exercises/connect-cdc.md: every command works and shows what the exercise promises', { timeout: 600_000 }, async (t) => {
  await cleanUp(); // a previous interrupted run must not change what this one sees
  t.after(async () => {
    await cleanUp();
    await runStep('repair', true); // never leave the alerts sink broken
  });

  await t.test('1. status: three connectors, each RUNNING with its task', async () => {
    const { stdout } = await runStep('status');
    for (const name of ['iot-alerts-sink', 'iot-window-counts-sink', 'iot-devices-source']) {
      assert.match(stdout, new RegExp(`${name}.*RUNNING`), `${name} is RUNNING:\n${stdout}`);
    }
    assert.doesNotMatch(stdout, /FAILED/);
  });

  await t.test('2. the 14 plant-a devices, and the processor holds all 38', async () => {
    const { stdout } = await runStep('devices');
    const rows = psqlRows(stdout);
    assert.equal(rows.length, 14, stdout);
    const temperature = rows.find((row) => row[0] === 'plant-a-temperature-1');
    assert.deepEqual(temperature, ['plant-a-temperature-1', '-10', '45', 't']);
    const metrics = await untilStep('processor-devices', 'the processor has every device', (outcome) => /^processor_devices\{enabled="true",service="stream-processor"\} 38$/m.test(outcome.stdout), 30_000);
    assert.match(metrics.stdout, /^processor_devices\{enabled="false",service="stream-processor"\} 0$/m);
  });

  await t.test('3. a threshold lowered in SQL opens a RANGE alert within seconds; restoring it clears the alert', async () => {
    const tail = shell('watch-alerts');
    try {
      await waitFor('the tail to follow iot.alerts', async () => (/following iot\.alerts/.test(tail.output()) ? true : undefined), 30_000, 500);
      await new Promise((resolve) => setTimeout(resolve, 3000)); // it reads from the latest offsets: let it join the group first
      const changedAt = Date.now();
      await runStep('lower-threshold');
      const opened = await waitFor('an OPEN RANGE alert above the maximum 10 °C', async () => /OPEN .*RANGE\s+plant-a-temperature-1 .*above the maximum 10 °C/.exec(tail.output())?.[0], 45_000, 500);
      console.log(`threshold lowered → alert on the tail after ${Date.now() - changedAt} ms: ${opened}`);
      await runStep('restore-threshold');
      await waitFor('the alert CLEARED', async () => /CLEARED .*RANGE\s+plant-a-temperature-1 /.exec(tail.output())?.[0], 45_000, 500);
    } finally {
      process.kill(-tail.child.pid!, 'SIGINT');
      await tail.done;
    }
  });

  await t.test('4. an inserted device is known before its first reading: its alert and its counts flow to Postgres', async () => {
    await runStep('add-device');
    const { stdout } = await runStep('run-lab-d');
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { sent: number };
    assert.equal(summary.sent, 40, stdout);
    const alerts = await untilStep('lab-d-alerts', 'a RANGE alert with threshold 18', (outcome) => psqlRows(outcome.stdout).some((row) => row[0] === 'RANGE' && row[2] === '18'), 60_000);
    assert.match(alerts.stdout, /above the maximum 18 °C/);
    await untilStep('lab-d-counts', 'final counts adding up to 40', (outcome) => {
      const rows = psqlRows(outcome.stdout);
      return rows.length > 0 && rows.every((row) => row[3] === 't') && rows.reduce((sum, row) => sum + Number(row[1]), 0) === summary.sent;
    }, 90_000);
  });

  await t.test('5. a non-existent database user fails the sink task with Postgres\' reason; apply repairs it', async () => {
    await runStep('break');
    const broken = await untilStep('broken-status', 'the task FAILED with its trace', (outcome) => outcome.code === 1 && /task 0: FAILED/.test(outcome.stdout), 120_000);
    assert.match(broken.stdout, /Unable to determine Dialect without JDBC metadata/);
    assert.match((await runStep('broken-log')).stdout, /FATAL: role "intruder" does not exist/);
    await runStep('repair');
    await untilStep('repaired-status', 'RUNNING again', (outcome) => outcome.code === 0 && /iot-alerts-sink.*RUNNING/.test(outcome.stdout) && !/FAILED/.test(outcome.stdout), 120_000);
  });

  await t.test('6. after an offsets reset the emptied window_counts_1m is rebuilt identically', async () => {
    await runStep('snapshot');
    const [kept] = await query<{ rows: string }>('SELECT count(*) AS rows FROM window_counts_before');
    assert.ok(Number(kept!.rows) > 0, 'the copy holds rows, so the comparison means something');
    await runStep('reset-offsets');
    const started = Date.now();
    // A one-column result has no '|': the value is the line under the dashes.
    const notRebuilt = (stdout: string) => /not_rebuilt_yet\s*\n-+\n\s*(\d+)/.exec(stdout)?.[1];
    await untilStep('compare', 'not_rebuilt_yet = 0', (outcome) => notRebuilt(outcome.stdout) === '0', 120_000);
    console.log(`${kept!.rows} rows rebuilt by replaying iot.window-counts-1m in ${Date.now() - started} ms`);
    await runStep('cleanup');
  });
});
