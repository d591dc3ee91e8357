// Original file: contracts/proto/iot/v1/pipeline.proto

export const AlertSeverity = {
  ALERT_SEVERITY_UNSPECIFIED: 'ALERT_SEVERITY_UNSPECIFIED',
  ALERT_SEVERITY_WARNING: 'ALERT_SEVERITY_WARNING',
  ALERT_SEVERITY_CRITICAL: 'ALERT_SEVERITY_CRITICAL',
} as const;

export type AlertSeverity =
  | 'ALERT_SEVERITY_UNSPECIFIED'
  | 0
  | 'ALERT_SEVERITY_WARNING'
  | 1
  | 'ALERT_SEVERITY_CRITICAL'
  | 2

export type AlertSeverity__Output = typeof AlertSeverity[keyof typeof AlertSeverity]
