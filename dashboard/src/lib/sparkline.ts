/**
 * A sparkline as the `points` of an SVG polyline (pure; client-safe). Drawn by hand rather than
 * with a recharts chart per row: the Fleet page redraws a sparkline for every reading, and with
 * 200 sensors a chart instance each kept the main thread busy (see bench/README.md, "Dashboard").
 */

export interface SparklinePoint {
  readonly timestampMs: number;
  readonly value: number;
}

/**
 * The points scaled into a width × height box inside `pad` pixels: x by position (the readings
 * are in event-time order), y by value, the highest at the top; a flat line sits in the middle.
 * Non-finite values are skipped. Fewer than 2 usable points: ''.
 */
export function sparklinePoints(points: readonly SparklinePoint[], width: number, height: number, pad = 2): string {
  const values = points.map((point) => point.value).filter(Number.isFinite);
  if (values.length < 2) return '';
  const low = Math.min(...values);
  const high = Math.max(...values);
  const innerWidth = width - 2 * pad;
  const innerHeight = height - 2 * pad;
  const y = (value: number) => (high === low ? pad + innerHeight / 2 : pad + ((high - value) / (high - low)) * innerHeight);
  const step = innerWidth / (values.length - 1);
  return values.map((value, i) => `${round(pad + i * step)},${round(y(value))}`).join(' ');
}

const round = (value: number) => Math.round(value * 10) / 10;
