import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sparklinePoints } from './sparkline.ts';

const at = (values: number[]) => values.map((value, i) => ({ timestampMs: i * 1_000, value }));

test('the points span the box inside the padding, the highest value at the top', () => {
  assert.equal(sparklinePoints(at([10, 20, 15]), 104, 24, 2), '2,22 52,2 102,12');
});

test('a flat line sits in the middle; non-finite values are skipped; fewer than 2 points draw nothing', () => {
  assert.equal(sparklinePoints(at([5, 5]), 10, 10, 0), '0,5 10,5');
  assert.equal(sparklinePoints(at([1, Number.NaN, 3]), 10, 10, 0), '0,10 10,0');
  assert.equal(sparklinePoints(at([1]), 10, 10), '');
  assert.equal(sparklinePoints([], 10, 10), '');
});
