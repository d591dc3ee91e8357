import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_ALERT_RULES as CONTRACT_DEFAULT_RULES } from '@iot/contracts';

/** Limits for one sensor type (until the device registry holds per-device limits). */
const typeLimitsSchema = z
  .object({
    /** RANGE: the normal band of values. */
    min: z.number(),
    max: z.number(),
    /** RATE_OF_CHANGE: the largest normal change per second, in the value's unit. */
    maxRatePerSecond: z.number().positive(),
  })
  .refine((limits) => limits.min < limits.max, { message: 'min must be less than max' });

const rulesSchema = z.object({
  range: z.object({
    /** Consecutive readings outside the band before an alert opens. */
    raiseAfter: z.number().int().min(1),
    /** Consecutive readings back inside the band (minus the hysteresis) before it clears. */
    clearAfter: z.number().int().min(1),
    /** The band a reading must be back inside to count towards clearing, as a fraction of (max − min) taken off each side. */
    hysteresis: z.number().min(0).max(0.45),
    /** Beyond the band by more than this fraction of (max − min): CRITICAL, else WARNING. */
    criticalBeyond: z.number().min(0),
  }),
  zscore: z.object({
    /** Weight of the newest reading in the exponentially weighted mean and variance. */
    alpha: z.number().gt(0).lt(1),
    /** Readings needed before the baseline is trusted. */
    warmup: z.number().int().min(2),
    /** |z| at or above this opens (after raiseAfter readings). */
    raiseAt: z.number().positive(),
    /** |z| at or below this counts towards clearing. */
    clearBelow: z.number().nonnegative(),
    raiseAfter: z.number().int().min(1),
    clearAfter: z.number().int().min(1),
    /** Floor for the standard deviation, so a flat signal does not make every wiggle infinite. */
    minStdDev: z.number().positive(),
  }).refine((zscore) => zscore.clearBelow < zscore.raiseAt, { message: 'clearBelow must be less than raiseAt' }),
  rateOfChange: z.object({
    raiseAfter: z.number().int().min(1),
    clearAfter: z.number().int().min(1),
    /** A rate at or below this fraction of the limit counts towards clearing. */
    clearBelowFraction: z.number().gt(0).max(1),
    /** Changes are measured over at least this long, so two readings a millisecond apart do not look like a jump. */
    minIntervalMs: z.number().int().positive(),
  }),
  silence: z.object({
    /** No reading (event time) for this long, by the wall clock, opens a SILENCE alert. */
    afterMs: z.number().int().positive(),
    /** A sensor silent this long is taken as decommissioned: its alerts clear and it is forgotten. */
    forgetAfterMs: z.number().int().positive(),
  }),
  /** An open alert's refreshed record (last seen, peak) is emitted at most this often. */
  refreshIntervalMs: z.number().int().min(0),
  /** A cleared alert is kept this long, then tombstoned. */
  clearedRetentionMs: z.number().int().min(0),
  /** Per sensor type; a type not listed here is monitored by ZSCORE and SILENCE only. */
  types: z.record(z.string().min(1), typeLimitsSchema),
}).refine((rules) => rules.silence.afterMs < rules.silence.forgetAfterMs, { message: 'silence.afterMs must be less than silence.forgetAfterMs', path: ['silence'] });

export type AlertRulesConfig = z.infer<typeof rulesSchema>;
export type TypeLimits = z.infer<typeof typeLimitsSchema>;

/** The defaults (shared through the contracts with the simulator's scenarios), checked against the schema. */
export const DEFAULT_ALERT_RULES: AlertRulesConfig = rulesSchema.parse(CONTRACT_DEFAULT_RULES);

/**
 * The detector rules: the defaults, or the JSON file at `file` (the ALERT_RULES_FILE env var).
 * A file replaces the defaults section by section (a file with only `types` keeps the default
 * range, zscore, ... settings). Errors name the file and the path inside it.
 */
export function loadAlertRules(file: string | undefined): AlertRulesConfig {
  if (!file) return DEFAULT_ALERT_RULES;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`ALERT_RULES_FILE ${file}: cannot read it as JSON: ${(error as Error).message}`);
  }
  return parseAlertRules(json, `ALERT_RULES_FILE ${file}`);
}

export function parseAlertRules(json: unknown, where: string): AlertRulesConfig {
  const merged = json !== null && typeof json === 'object' && !Array.isArray(json) ? { ...DEFAULT_ALERT_RULES, ...json } : json;
  const result = rulesSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid alert rules:\n${problems.join('\n')}`);
  }
  return result.data;
}
