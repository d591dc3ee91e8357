import { DEFAULT_ALERT_RULES } from '@iot/contracts';
import type { SensorType } from './fleet.ts';

/**
 * The stream processor's default alert rules (from the contracts), which the scenarios are
 * built to trip; scenario expectations (`expectedAlerts`) are computed against these.
 */
export const DETECTOR_DEFAULTS = DEFAULT_ALERT_RULES;
export type DetectorDefaults = typeof DETECTOR_DEFAULTS;

// Every simulated type has limits: a new type without them would silently never alert.
DETECTOR_DEFAULTS.types satisfies Record<SensorType, unknown>;
