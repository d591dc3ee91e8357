// Original file: contracts/proto/iot/v1/pipeline.proto

import type { AlertRule as _iot_v1_AlertRule, AlertRule__Output as _iot_v1_AlertRule__Output } from '../../iot/v1/AlertRule.ts';

/**
 * An alert that no longer exists: a cleared alert expired (its tombstone on iot.alerts).
 */
export interface AlertRemoved {
  'sensorId'?: (string);
  'rule'?: (_iot_v1_AlertRule);
}

/**
 * An alert that no longer exists: a cleared alert expired (its tombstone on iot.alerts).
 */
export interface AlertRemoved__Output {
  'sensorId': (string);
  'rule': (_iot_v1_AlertRule__Output);
}
