import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChartSvg } from './chart.ts';

const barWidths = (svg: string): number[] => [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)" height="22"/g)].map((match) => Number(match[1]));

test('bars within a panel are proportional to their values, each panel scaled to its own largest bar', () => {
  const svg = barChartSvg('t', 's', [
    { title: 'rates', unit: 'readings/s', bars: [{ label: 'a', value: 400_000, kind: 'ceiling' }, { label: 'b', value: 100_000, kind: 'ours' }] },
    { title: 'latency', unit: 'ms', bars: [{ label: 'c', value: 50, kind: 'ours' }, { label: 'd', value: 200, kind: 'ours' }] },
  ]);
  const [a, b, c, d] = barWidths(svg);
  assert.ok(a! > 0 && d! > 0);
  assert.equal(a, d, 'the largest bar of each panel spans the plot');
  assert.ok(Math.abs(b! / a! - 0.25) < 0.01, `b is a quarter of a: ${b} / ${a}`);
  assert.ok(Math.abs(c! / d! - 0.25) < 0.01);
  assert.match(svg, /400,000 readings\/s/);
});

test('labels and notes are escaped as text, and a missing or zero value draws no bar', () => {
  const svg = barChartSvg('<b>title</b>', 's & t', [
    { title: 'p', unit: 'ms', bars: [{ label: '<script>x</script>', value: 0, kind: 'ours', note: 'a "quote"' }, { label: 'n', value: Number.NaN, kind: 'baseline' }, { label: 'm', value: 3, kind: 'ours' }] },
  ]);
  assert.doesNotMatch(svg, /<script>|<b>/);
  assert.match(svg, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.match(svg, /s &amp; t/);
  assert.match(svg, /a &quot;quote&quot;/);
  assert.deepEqual(barWidths(svg).slice(0, 2), [0, 0]);
});
