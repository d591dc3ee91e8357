// Original file: contracts/proto/iot/v1/pipeline.proto

export const AlertRule = {
  ALERT_RULE_UNSPECIFIED: 'ALERT_RULE_UNSPECIFIED',
  /**
   * Outside the device's (or its type's) min/max band.
   */
  ALERT_RULE_RANGE: 'ALERT_RULE_RANGE',
  /**
   * Far from the sensor's own recent mean, in standard deviations.
   */
  ALERT_RULE_ZSCORE: 'ALERT_RULE_ZSCORE',
  /**
   * Changing faster than the type's limit per second.
   */
  ALERT_RULE_RATE_OF_CHANGE: 'ALERT_RULE_RATE_OF_CHANGE',
  /**
   * No reading for a while.
   */
  ALERT_RULE_SILENCE: 'ALERT_RULE_SILENCE',
} as const;

export type AlertRule =
  | 'ALERT_RULE_UNSPECIFIED'
  | 0
  /**
   * Outside the device's (or its type's) min/max band.
   */
  | 'ALERT_RULE_RANGE'
  | 1
  /**
   * Far from the sensor's own recent mean, in standard deviations.
   */
  | 'ALERT_RULE_ZSCORE'
  | 2
  /**
   * Changing faster than the type's limit per second.
   */
  | 'ALERT_RULE_RATE_OF_CHANGE'
  | 3
  /**
   * No reading for a while.
   */
  | 'ALERT_RULE_SILENCE'
  | 4

export type AlertRule__Output = typeof AlertRule[keyof typeof AlertRule]
