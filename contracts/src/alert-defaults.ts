/** One sensor type's normal band and largest normal change per second, in the type's unit. */
export interface TypeLimits {
  readonly min: number;
  readonly max: number;
  readonly maxRatePerSecond: number;
}

/**
 * The stream processor's default detector rules (its ALERT_RULES_FILE replaces them). They
 * live in the contracts because the simulator's fault scenarios are built to cross exactly
 * these limits, and tests compare the alerts that appear with what a scenario promises. The
 * meaning of every field is in stream-processor/src/alert-rules.ts, which validates them.
 */
export const DEFAULT_ALERT_RULES = {
  range: { raiseAfter: 3, clearAfter: 3, hysteresis: 0.02, criticalBeyond: 0.1 },
  zscore: { alpha: 0.05, warmup: 30, raiseAt: 6, clearBelow: 2, raiseAfter: 2, clearAfter: 3, minStdDev: 0.01 },
  rateOfChange: { raiseAfter: 1, clearAfter: 3, clearBelowFraction: 0.5, minIntervalMs: 1000 },
  silence: { afterMs: 30_000, forgetAfterMs: 3_600_000 },
  refreshIntervalMs: 5_000,
  clearedRetentionMs: 3_600_000,
  types: {
    temperature: { min: -10, max: 45, maxRatePerSecond: 2 },
    humidity: { min: 5, max: 95, maxRatePerSecond: 10 },
    pressure: { min: 950, max: 1060, maxRatePerSecond: 5 },
    vibration: { min: 0, max: 10, maxRatePerSecond: 5 },
    co2: { min: 300, max: 2000, maxRatePerSecond: 200 },
    power: { min: 0, max: 4000, maxRatePerSecond: 1500 },
  } satisfies Record<string, TypeLimits>,
} as const;
