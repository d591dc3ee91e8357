// Original file: contracts/proto/iot/v1/pipeline.proto

export const AlertState = {
  ALERT_STATE_UNSPECIFIED: 'ALERT_STATE_UNSPECIFIED',
  ALERT_STATE_OPEN: 'ALERT_STATE_OPEN',
  ALERT_STATE_ACKNOWLEDGED: 'ALERT_STATE_ACKNOWLEDGED',
  ALERT_STATE_CLEARED: 'ALERT_STATE_CLEARED',
} as const;

export type AlertState =
  | 'ALERT_STATE_UNSPECIFIED'
  | 0
  | 'ALERT_STATE_OPEN'
  | 1
  | 'ALERT_STATE_ACKNOWLEDGED'
  | 2
  | 'ALERT_STATE_CLEARED'
  | 3

export type AlertState__Output = typeof AlertState[keyof typeof AlertState]
