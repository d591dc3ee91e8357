import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expire, newLifecycle, observe, type LifecycleRules, type Signal } from './alert-lifecycle.ts';

const RULES: LifecycleRules = { raiseAfter: 2, clearAfter: 2, refreshIntervalMs: 1000, clearedRetentionMs: 60_000 };
const SENSOR = { sensorId: 's-1', sensorType: 'vibration', siteId: 'plant-a' };
const breach = (value: number): Signal => ({ kind: 'breach', value, threshold: 10, excess: value - 10, severity: 'WARNING', message: `${value} above 10` });

test('a repeated or older breach with no new peak emits nothing, now or by the wall clock', () => {
  const state = newLifecycle();
  assert.equal(observe(state, breach(12), 1000, SENSOR, 'RANGE', RULES), undefined);
  const opened = observe(state, breach(12), 2000, SENSOR, 'RANGE', RULES);
  assert.equal(opened?.state, 'OPEN');
  // The same reading again (a duplicate, or redelivered after the broker came back), then an older one.
  assert.equal(observe(state, breach(12), 5000, SENSOR, 'RANGE', RULES)?.lastSeenAt, 5000, 'a later breach refreshes');
  assert.equal(observe(state, breach(12), 5000, SENSOR, 'RANGE', RULES), undefined, 'the same breach again: nothing');
  assert.equal(observe(state, breach(11), 4000, SENSOR, 'RANGE', RULES), undefined, 'an older, smaller breach: nothing');
  assert.equal(expire(state, 60_000, RULES), undefined, 'and no held-back refresh either');
});

test('an older breach with a new peak is still a change: held back by the rate limit, then emitted once', () => {
  const state = newLifecycle();
  observe(state, breach(12), 1000, SENSOR, 'RANGE', RULES);
  observe(state, breach(12), 2000, SENSOR, 'RANGE', RULES);
  assert.equal(observe(state, breach(15), 1500, SENSOR, 'RANGE', RULES), undefined, 'within the refresh interval');
  const refresh = expire(state, 10_000, RULES);
  assert.equal(refresh?.kind, 'refresh');
  assert.equal(refresh.kind === 'refresh' && refresh.alert.peakValue, 15);
  assert.equal(refresh.kind === 'refresh' && refresh.alert.lastSeenAt, 2000, 'last seen does not go back');
  assert.equal(expire(state, 20_000, RULES), undefined, 'emitted once');
});
