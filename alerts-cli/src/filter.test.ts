import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Alert } from '@iot/contracts';
import { testAlert } from './test-alert.ts';
import { matches, matchesTombstone, parseTailArgs, UsageError, type AlertFilter } from './filter.ts';

const alert: Alert = testAlert({ message: 'temperature above its range' });

const usageError = (pattern: RegExp) => (error: unknown) => error instanceof UsageError && pattern.test(error.message);

test('no flags: everything, from the latest offsets, human format', () => {
  const options = parseTailArgs([]);
  assert.equal(options.fromBeginning, false);
  assert.equal(options.json, false);
  assert.equal(options.help, false);
  assert.ok(Object.values(options.filter).every((value) => value === undefined));
});

test('every flag is parsed; enum values are case-insensitive', () => {
  const options = parseTailArgs([
    '--site', 'plant-a', '--sensor=plant-a-temperature-1', '--severity', 'critical', '--state', 'Open', '--rule', 'RATE_OF_CHANGE', '--from-beginning', '--json',
  ]);
  assert.deepEqual({ ...options.filter }, { site: 'plant-a', sensor: 'plant-a-temperature-1', severity: 'CRITICAL', state: 'OPEN', rule: 'RATE_OF_CHANGE' });
  assert.equal(options.fromBeginning, true);
  assert.equal(options.json, true);
  assert.equal(parseTailArgs(['-h']).help, true);
});

test('a bad enum value names the flag and the allowed values', () => {
  assert.throws(() => parseTailArgs(['--severity', 'FATAL']), usageError(/^--severity: expected one of WARNING, CRITICAL, got "FATAL"$/));
  assert.throws(() => parseTailArgs(['--state', 'CLOSED']), usageError(/^--state: expected one of OPEN, ACKNOWLEDGED, CLEARED, got "CLOSED"$/));
  assert.throws(() => parseTailArgs(['--rule', 'range2']), usageError(/^--rule: expected one of RANGE, ZSCORE, RATE_OF_CHANGE, SILENCE, got "range2"$/));
});

test('an unknown flag is named, with the list of known ones', () => {
  assert.throws(() => parseTailArgs(['--severty', 'CRITICAL']), usageError(/^unknown option --severty; the options are --site, --sensor, --severity, --state, --rule, --from-beginning, --json, --help$/));
  assert.throws(() => parseTailArgs(['-x']), usageError(/^unknown option -x;/));
});

test('missing values, empty ids and stray arguments are usage errors', () => {
  assert.throws(() => parseTailArgs(['--site']), usageError(/--site/));
  assert.throws(() => parseTailArgs(['--sensor', '--json']), usageError(/--sensor/)); // ambiguous: a value that looks like a flag
  assert.throws(() => parseTailArgs(['--site=']), usageError(/^--site: expected a non-empty value$/));
  assert.throws(() => parseTailArgs(['plant-a']), usageError(/^unexpected argument "plant-a"/));
  assert.throws(() => parseTailArgs(['--json=yes']), usageError(/--json/));
});

test('matches: every given field must match exactly', () => {
  const cases: Array<[AlertFilter, boolean]> = [
    [{}, true],
    [{ site: 'plant-a' }, true],
    [{ site: 'plant' }, false], // exact, not a prefix
    [{ sensor: 'plant-a-temperature-1' }, true],
    [{ sensor: 'plant-a-temperature-10' }, false],
    [{ severity: 'CRITICAL' }, true],
    [{ severity: 'WARNING' }, false],
    [{ state: 'OPEN' }, true],
    [{ state: 'CLEARED' }, false],
    [{ rule: 'RANGE' }, true],
    [{ rule: 'ZSCORE' }, false],
    [{ site: 'plant-a', sensor: 'plant-a-temperature-1', severity: 'CRITICAL', state: 'OPEN', rule: 'RANGE' }, true],
    [{ site: 'plant-a', severity: 'WARNING' }, false],
  ];
  for (const [filter, expected] of cases) assert.equal(matches(alert, filter), expected, JSON.stringify(filter));
});

test('tombstones: matched on --sensor/--rule by key, hidden by any other value filter', () => {
  const key = { sensorId: 'plant-a-temperature-1', rule: 'RANGE' } as const;
  assert.equal(matchesTombstone(key, {}), true);
  assert.equal(matchesTombstone(key, { sensor: 'plant-a-temperature-1', rule: 'RANGE' }), true);
  assert.equal(matchesTombstone(key, { sensor: 'plant-b-temperature-1' }), false);
  assert.equal(matchesTombstone(key, { rule: 'SILENCE' }), false);
  assert.equal(matchesTombstone(key, { site: 'plant-a' }), false);
  assert.equal(matchesTombstone(key, { severity: 'CRITICAL' }), false);
  assert.equal(matchesTombstone(key, { state: 'CLEARED' }), false);
});

test('ack takes one alertId and an optional --by, and says what is wrong otherwise', async () => {
  const { parseAckArgs } = await import('./ack.ts');
  assert.deepEqual(parseAckArgs(['site/t-1/RANGE/1795434132889', '--by', 'ops']), { alertId: 'site/t-1/RANGE/1795434132889', sensorId: 'site/t-1', by: 'ops' });
  assert.throws(() => parseAckArgs([]), /exactly one alertId/);
  assert.throws(() => parseAckArgs(['t-1/RANGE']), /is not an alertId/);
  assert.throws(() => parseAckArgs(['t-1/RANGE/1', '--by', ' ']), /--by: expected a non-empty name/);
  assert.throws(() => parseAckArgs(['t-1/RANGE/1', '--as', 'x']), /ack: Unknown option '--as'/);
});
