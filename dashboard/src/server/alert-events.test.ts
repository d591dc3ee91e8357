import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertMessageOutput } from '@iot/contracts/grpc';
import { alertFiltersQuery, alertRecordEvent, parseAlertFilters, streamAlertsRequest } from './alert-events.ts';

const message: AlertMessageOutput = {
  alertId: 's1/RANGE/1000',
  sensorId: 's1',
  sensorType: 'temperature',
  siteId: 'site-a',
  rule: 'ALERT_RULE_RANGE',
  severity: 'ALERT_SEVERITY_CRITICAL',
  state: 'ALERT_STATE_OPEN',
  triggerValue: 50,
  peakValue: 51,
  threshold: 45,
  openedAtMs: 1000,
  lastSeenAtMs: 2000,
  clearedAtMs: 0,
  acknowledgedAtMs: 0,
  acknowledgedBy: '',
  message: 'value 50 °C is above the maximum 45 °C',
};

test('an alert message becomes an `alert` event without enum prefixes; zero times and empty names become null', () => {
  assert.deepEqual(alertRecordEvent({ alert: message, position: null, snapshot: true, cursor: '' }), {
    event: 'alert',
    data: { ...message, rule: 'RANGE', severity: 'CRITICAL', state: 'OPEN', clearedAtMs: null, acknowledgedAtMs: null, acknowledgedBy: null, snapshot: true },
  });
});

test('a removal becomes `alert-removed`; an unknown enum value sends nothing', () => {
  assert.deepEqual(alertRecordEvent({ removed: { sensorId: 's1', rule: 'ALERT_RULE_SILENCE' }, position: null, snapshot: false, cursor: 'c' }), {
    event: 'alert-removed',
    data: { sensorId: 's1', rule: 'SILENCE' },
  });
  assert.equal(alertRecordEvent({ alert: { ...message, state: 'ALERT_STATE_UNSPECIFIED' }, position: null, snapshot: false, cursor: 'c' }), null);
});

test('filters: repeated or comma-separated values become the StreamAlerts request, and round-trip as a query', () => {
  const parsed = parseAlertFilters(new URLSearchParams('severity=CRITICAL&severity=WARNING&site=a,b&sensor=s-1&state=OPEN'));
  assert.ok(parsed.ok);
  assert.deepEqual(streamAlertsRequest(parsed.filters), {
    siteIds: ['a', 'b'],
    sensorIds: ['s-1'],
    severities: ['ALERT_SEVERITY_CRITICAL', 'ALERT_SEVERITY_WARNING'],
    states: ['ALERT_STATE_OPEN'],
  });
  const again = parseAlertFilters(new URLSearchParams(alertFiltersQuery(parsed.filters).slice(1)));
  assert.deepEqual(again, parsed);
  const none = parseAlertFilters(new URLSearchParams(''));
  assert.ok(none.ok);
  assert.equal(alertFiltersQuery(none.filters), '');
});

test('bad filters are refused with every problem named', () => {
  const parsed = parseAlertFilters(new URLSearchParams(`severity=LOUD&sensor=${'x'.repeat(200)}&colour=red`));
  assert.equal(parsed.ok, false);
  assert.ok(!parsed.ok);
  assert.match(parsed.message, /severity/);
  assert.match(parsed.message, /sensor.*128/);
  assert.match(parsed.message, /unknown query parameter colour/);
  const many = new URLSearchParams();
  for (let i = 0; i < 101; i++) many.append('site', `s${i}`);
  assert.match((parseAlertFilters(many) as { message: string }).message, /at most 100 values/);
});
