import type { AlertRulesConfig, TypeLimits } from './alert-rules.ts';
import type { Signal } from './alert-lifecycle.ts';

// Pure detectors: each turns an observation and the sensor's detector state into a Signal.

const round = (value: number) => Math.round(value * 1000) / 1000;

export type RangeLimits = Pick<TypeLimits, 'min' | 'max'>;

/** RANGE: outside [min, max]; back to normal only inside the band narrowed by the hysteresis. */
export function rangeSignal(value: number, limits: RangeLimits, rules: AlertRulesConfig['range'], unit: string): Signal {
  const span = limits.max - limits.min;
  if (value > limits.max || value < limits.min) {
    const above = value > limits.max;
    const threshold = above ? limits.max : limits.min;
    const excess = Math.abs(value - threshold) / span;
    return {
      kind: 'breach',
      value,
      threshold,
      excess,
      severity: excess > rules.criticalBeyond ? 'CRITICAL' : 'WARNING',
      message: `value ${round(value)} ${unit} is ${above ? 'above the maximum' : 'below the minimum'} ${threshold} ${unit}`,
    };
  }
  const margin = span * rules.hysteresis;
  return value >= limits.min + margin && value <= limits.max - margin ? { kind: 'normal' } : { kind: 'hold' };
}

/** An exponentially weighted mean and variance of a sensor's values. */
export interface Baseline {
  mean: number;
  variance: number;
  samples: number;
  /** Breaching readings in a row, which the baseline has not learned from. */
  outliers: number;
}

export const emptyBaseline = (): Baseline => ({ mean: 0, variance: 0, samples: 0, outliers: 0 });

/**
 * ZSCORE: how many standard deviations the value is from the sensor's own recent mean. The
 * baseline learns from every normal reading (first as a plain mean, until 1/n falls below
 * alpha) but not from breaching ones, so a spike does not hide itself by inflating the
 * variance. A lasting shift (`warmup` breaching readings in a row) becomes the new normal: the
 * baseline is relearned from there, and the alert clears once it has been.
 */
export function zscoreSignal(value: number, baseline: Baseline, rules: AlertRulesConfig['zscore'], unit: string): Signal {
  if (baseline.samples < rules.warmup) {
    learn(baseline, value, rules.alpha);
    return { kind: 'hold' };
  }
  const stdDev = Math.max(Math.sqrt(baseline.variance), rules.minStdDev);
  const z = (value - baseline.mean) / stdDev;
  if (Math.abs(z) < rules.raiseAt) {
    baseline.outliers = 0;
    learn(baseline, value, rules.alpha);
    return Math.abs(z) <= rules.clearBelow ? { kind: 'normal' } : { kind: 'hold' };
  }
  const signal: Signal = {
    kind: 'breach',
    value,
    threshold: baseline.mean + Math.sign(z) * rules.raiseAt * stdDev,
    excess: Math.abs(z),
    severity: Math.abs(z) >= 2 * rules.raiseAt ? 'CRITICAL' : 'WARNING',
    message: `value ${round(value)} ${unit} is ${round(Math.abs(z))} standard deviations ${z > 0 ? 'above' : 'below'} the recent mean ${round(baseline.mean)} ${unit}`,
  };
  baseline.outliers += 1;
  if (baseline.outliers >= rules.warmup) Object.assign(baseline, emptyBaseline());
  return signal;
}

function learn(baseline: Baseline, value: number, alpha: number): void {
  baseline.samples += 1;
  const weight = Math.max(alpha, 1 / baseline.samples);
  const diff = value - baseline.mean;
  const increment = weight * diff;
  baseline.mean += increment;
  baseline.variance = (1 - weight) * (baseline.variance + diff * increment);
}

/** The newest reading seen (by event time), for RATE_OF_CHANGE. */
export interface LastPoint {
  timestamp: number;
  value: number;
}

/**
 * RATE_OF_CHANGE: |Δvalue| per second against the newest earlier reading. A reading older than
 * that one (out of order) says nothing about the rate and is skipped (undefined).
 */
export function rateSignal(value: number, timestamp: number, last: LastPoint | null, limits: TypeLimits, rules: AlertRulesConfig['rateOfChange'], unit: string): Signal | undefined {
  if (!last || timestamp <= last.timestamp) return undefined;
  const seconds = Math.max(timestamp - last.timestamp, rules.minIntervalMs) / 1000;
  const rate = Math.abs(value - last.value) / seconds;
  if (rate > limits.maxRatePerSecond) {
    const excess = rate / limits.maxRatePerSecond;
    return {
      kind: 'breach',
      value: rate,
      threshold: limits.maxRatePerSecond,
      excess,
      severity: excess >= 3 ? 'CRITICAL' : 'WARNING',
      message: `value changed ${value > last.value ? 'up' : 'down'} by ${round(Math.abs(value - last.value))} ${unit} in ${round(seconds)} s (${round(rate)} ${unit}/s, limit ${limits.maxRatePerSecond} ${unit}/s)`,
    };
  }
  return rate <= limits.maxRatePerSecond * rules.clearBelowFraction ? { kind: 'normal' } : { kind: 'hold' };
}

/** SILENCE: judged by the wall clock against the newest event time, so it fires while nothing arrives. */
export function silenceSignal(lastEventTime: number, now: number, rules: AlertRulesConfig['silence']): Signal {
  const silentMs = now - lastEventTime;
  if (silentMs < rules.afterMs) return { kind: 'normal' };
  return {
    kind: 'breach',
    value: Math.floor(silentMs / 1000),
    threshold: rules.afterMs / 1000,
    excess: silentMs / rules.afterMs,
    severity: 'WARNING',
    message: `no reading for ${Math.floor(silentMs / 1000)} s (limit ${rules.afterMs / 1000} s)`,
  };
}
