// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Sensor as _iot_v1_Sensor, Sensor__Output as _iot_v1_Sensor__Output } from '../../iot/v1/Sensor.ts';

export interface ListSensorsResponse {
  /**
   * Ordered by site, then sensor id.
   */
  'sensors'?: (_iot_v1_Sensor)[];
}

export interface ListSensorsResponse__Output {
  /**
   * Ordered by site, then sensor id.
   */
  'sensors': (_iot_v1_Sensor__Output)[];
}
