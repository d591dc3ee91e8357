// Original file: contracts/proto/iot/v1/pipeline.proto

import type { AlertRule as _iot_v1_AlertRule, AlertRule__Output as _iot_v1_AlertRule__Output } from '../../iot/v1/AlertRule.ts';
import type { AlertSeverity as _iot_v1_AlertSeverity, AlertSeverity__Output as _iot_v1_AlertSeverity__Output } from '../../iot/v1/AlertSeverity.ts';
import type { AlertState as _iot_v1_AlertState, AlertState__Output as _iot_v1_AlertState__Output } from '../../iot/v1/AlertState.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * One alert's current state (the record on iot.alerts).
 */
export interface Alert {
  /**
   * sensorId/RULE/openedAt: a new occurrence after clearing has a new id.
   */
  'alertId'?: (string);
  'sensorId'?: (string);
  'sensorType'?: (string);
  'siteId'?: (string);
  'rule'?: (_iot_v1_AlertRule);
  'severity'?: (_iot_v1_AlertSeverity);
  'state'?: (_iot_v1_AlertState);
  /**
   * The measurement that opened it, the worst one since, and the limit it crossed.
   */
  'triggerValue'?: (number | string);
  'peakValue'?: (number | string);
  'threshold'?: (number | string);
  /**
   * Epoch milliseconds (UTC); cleared_at_ms and acknowledged_at_ms are 0 until then.
   */
  'openedAtMs'?: (number | string | Long);
  'lastSeenAtMs'?: (number | string | Long);
  'clearedAtMs'?: (number | string | Long);
  'acknowledgedAtMs'?: (number | string | Long);
  /**
   * Who acknowledged it; empty until then.
   */
  'acknowledgedBy'?: (string);
  /**
   * For people, e.g. "value 48 °C is above the maximum 45 °C".
   */
  'message'?: (string);
}

/**
 * One alert's current state (the record on iot.alerts).
 */
export interface Alert__Output {
  /**
   * sensorId/RULE/openedAt: a new occurrence after clearing has a new id.
   */
  'alertId': (string);
  'sensorId': (string);
  'sensorType': (string);
  'siteId': (string);
  'rule': (_iot_v1_AlertRule__Output);
  'severity': (_iot_v1_AlertSeverity__Output);
  'state': (_iot_v1_AlertState__Output);
  /**
   * The measurement that opened it, the worst one since, and the limit it crossed.
   */
  'triggerValue': (number);
  'peakValue': (number);
  'threshold': (number);
  /**
   * Epoch milliseconds (UTC); cleared_at_ms and acknowledged_at_ms are 0 until then.
   */
  'openedAtMs': (number);
  'lastSeenAtMs': (number);
  'clearedAtMs': (number);
  'acknowledgedAtMs': (number);
  /**
   * Who acknowledged it; empty until then.
   */
  'acknowledgedBy': (string);
  /**
   * For people, e.g. "value 48 °C is above the maximum 45 °C".
   */
  'message': (string);
}
