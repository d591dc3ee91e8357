// Original file: contracts/proto/iot/v1/pipeline.proto

import type { StreamPosition as _iot_v1_StreamPosition, StreamPosition__Output as _iot_v1_StreamPosition__Output } from '../../iot/v1/StreamPosition.ts';

export interface AckAlertResponse {
  /**
   * Where the acknowledgement was written on iot.alert-acks.
   */
  'position'?: (_iot_v1_StreamPosition | null);
}

export interface AckAlertResponse__Output {
  /**
   * Where the acknowledgement was written on iot.alert-acks.
   */
  'position': (_iot_v1_StreamPosition__Output | null);
}
