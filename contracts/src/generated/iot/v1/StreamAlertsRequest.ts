// Original file: contracts/proto/iot/v1/pipeline.proto

import type { AlertSeverity as _iot_v1_AlertSeverity, AlertSeverity__Output as _iot_v1_AlertSeverity__Output } from '../../iot/v1/AlertSeverity.ts';
import type { AlertState as _iot_v1_AlertState, AlertState__Output as _iot_v1_AlertState__Output } from '../../iot/v1/AlertState.ts';

export interface StreamAlertsRequest {
  /**
   * Only these sites, sensors, severities, states; an empty list does not filter. The change
   * that takes an alert out of the filter (OPEN -> ACKNOWLEDGED for states = [OPEN]) is sent as
   * well, and its removal if it was in: drop an alert whose new value no longer matches.
   */
  'siteIds'?: (string)[];
  'sensorIds'?: (string)[];
  'severities'?: (_iot_v1_AlertSeverity)[];
  'states'?: (_iot_v1_AlertState)[];
  /**
   * The `cursor` of the last event received on an earlier call: continue there, no snapshot.
   */
  'resumeCursor'?: (string);
}

export interface StreamAlertsRequest__Output {
  /**
   * Only these sites, sensors, severities, states; an empty list does not filter. The change
   * that takes an alert out of the filter (OPEN -> ACKNOWLEDGED for states = [OPEN]) is sent as
   * well, and its removal if it was in: drop an alert whose new value no longer matches.
   */
  'siteIds': (string)[];
  'sensorIds': (string)[];
  'severities': (_iot_v1_AlertSeverity__Output)[];
  'states': (_iot_v1_AlertState__Output)[];
  /**
   * The `cursor` of the last event received on an earlier call: continue there, no snapshot.
   */
  'resumeCursor': (string);
}
