import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downsampleHistory, lttbIndices, type HistoryWindow } from './lttb.ts';

const MINUTE = 60_000;
const window = (i: number, mean: number, spread = 1): HistoryWindow => ({
  windowStartMs: i * MINUTE,
  count: 60,
  min: mean - spread,
  max: mean + spread,
  mean,
});

test('lttbIndices keeps every point when they fit, and rejects bad arguments', () => {
  assert.deepEqual(lttbIndices([1, 2, 3], [5, 6, 7], 3).kept, [0, 1, 2]);
  assert.throws(() => lttbIndices([1, 2], [1], 3), /differ in length/);
  assert.throws(() => lttbIndices([1, 2, 3], [1, 2, 3], 2), /threshold must be an integer ≥ 3/);
});

test('lttbIndices keeps the first, the last, one point per bucket, in order, and the spike', () => {
  const n = 1_000;
  const x = Array.from({ length: n }, (_, i) => i);
  const y = x.map((i) => (i === 437 ? 100 : Math.sin(i / 50)));
  const { kept, buckets } = lttbIndices(x, y, 50);
  assert.equal(kept.length, 50);
  assert.equal(kept[0], 0);
  assert.equal(kept.at(-1), n - 1);
  for (let k = 1; k < kept.length; k++) assert.ok(kept[k]! > kept[k - 1]!, 'strictly ascending');
  kept.forEach((index, k) => assert.ok(index >= buckets[k]![0] && index < buckets[k]![1], `point ${index} lies in its bucket`));
  // The buckets tile every index exactly once.
  assert.deepEqual(buckets.flatMap(([start, end]) => Array.from({ length: end - start }, (_, i) => start + i)), x);
  assert.ok(kept.includes(437), 'the one-point spike is kept');
});

test('downsampleHistory returns every window unchanged when they fit', () => {
  const windows = [window(0, 20), window(1, 21), window(2, 19)];
  assert.deepEqual(downsampleHistory(windows, 500), windows.map((w) => ({ ...w, windows: 1 })));
});

test('downsampleHistory widens each kept window to the extremes of the windows it stands for', () => {
  // A week of windows with one narrow dip in the band that the mean barely shows.
  const windows = Array.from({ length: 7 * 1440 }, (_, i) => window(i, 20 + Math.sin(i / 300), i === 5_000 ? 30 : 1));
  const points = downsampleHistory(windows, 500);
  assert.equal(points.length, 500);
  assert.equal(points.reduce((sum, point) => sum + point.windows, 0), windows.length, 'every window is represented once');
  assert.equal(Math.min(...points.map((p) => p.min)), Math.min(...windows.map((w) => w.min)), 'the lowest minimum survives');
  assert.equal(Math.max(...points.map((p) => p.max)), Math.max(...windows.map((w) => w.max)), 'the highest maximum survives');
  assert.equal(points[0]!.windowStartMs, 0);
  assert.equal(points.at(-1)!.windowStartMs, (windows.length - 1) * MINUTE);
});

test('downsampleHistory leaves out windows without statistics', () => {
  const windows = [window(0, 20), { ...window(1, 0), mean: Number.NaN, min: Number.NaN, max: Number.NaN }, window(2, 22)];
  assert.deepEqual(downsampleHistory(windows, 500).map((p) => p.windowStartMs), [0, 2 * MINUTE]);
});
