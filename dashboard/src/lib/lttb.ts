/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013) for the history chart, plus the
 * band the chosen points stand for (pure; safe for client components).
 */

/** One closed per-minute window of a sensor, as the history view receives it. */
export interface HistoryWindow {
  /** Window start, epoch ms (UTC). */
  readonly windowStartMs: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** A point of the history chart: a window LTTB kept, with the extremes of every window it stands for. */
export interface HistoryPoint extends HistoryWindow {
  /** How many windows this point represents (1: it is exactly that window). */
  readonly windows: number;
}

/**
 * Indices of the points LTTB keeps, at most `threshold` (≥ 3), always the first and the last. Each
 * bucket between them keeps the point forming the largest triangle with the point kept before and
 * the average of the next bucket, so peaks and troughs survive. Also returns each kept point's
 * bucket as [start, end) indices. `y` must be finite; `x` ascending.
 */
export function lttbIndices(x: readonly number[], y: readonly number[], threshold: number): { kept: number[]; buckets: Array<[number, number]> } {
  const n = x.length;
  if (y.length !== n) throw new RangeError(`x and y differ in length (${n} vs ${y.length})`);
  if (!Number.isInteger(threshold) || threshold < 3) throw new RangeError(`threshold must be an integer ≥ 3, got ${threshold}`);
  if (n <= threshold) return { kept: x.map((_, i) => i), buckets: x.map((_, i) => [i, i + 1]) };

  const kept = [0];
  const buckets: Array<[number, number]> = [[0, 1]];
  // The n - 2 inner points are split into threshold - 2 buckets of equal width.
  const width = (n - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * width) + 1;
    const end = Math.floor((bucket + 1) * width) + 1;
    // The average of the next bucket (the last point for the last bucket).
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((bucket + 2) * width) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      avgX += x[i]!;
      avgY += y[i]!;
    }
    const nextCount = nextEnd - nextStart;
    avgX /= nextCount;
    avgY /= nextCount;

    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs((x[previous]! - avgX) * (y[i]! - y[previous]!) - (x[previous]! - x[i]!) * (avgY - y[previous]!));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    kept.push(best);
    buckets.push([start, end]);
    previous = best;
  }
  kept.push(n - 1);
  buckets.push([n - 1, n]);
  return { kept, buckets };
}

/**
 * At most `maxPoints` points for the chart: every window when they fit, else LTTB on the mean,
 * each kept window widened to the min and max of its bucket so that no extreme disappears.
 * Windows with a non-finite mean (no statistics) are skipped by LTTB but still counted.
 */
export function downsampleHistory(windows: readonly HistoryWindow[], maxPoints: number): HistoryPoint[] {
  const plotted = windows.filter((window) => Number.isFinite(window.mean));
  if (plotted.length <= maxPoints) return plotted.map((window) => ({ ...window, windows: 1 }));
  const { kept, buckets } = lttbIndices(
    plotted.map((window) => window.windowStartMs),
    plotted.map((window) => window.mean),
    maxPoints,
  );
  return kept.map((index, k) => {
    const [start, end] = buckets[k]!;
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i < end; i++) {
      min = Math.min(min, plotted[i]!.min);
      max = Math.max(max, plotted[i]!.max);
    }
    return { ...plotted[index]!, min, max, windows: end - start };
  });
}
