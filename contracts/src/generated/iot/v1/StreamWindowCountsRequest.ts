// Original file: contracts/proto/iot/v1/pipeline.proto


export interface StreamWindowCountsRequest {
  /**
   * Only these sensors; empty means every sensor.
   */
  'sensorIds'?: (string)[];
  /**
   * Only closed windows (final = true); otherwise every update too.
   */
  'finalsOnly'?: (boolean);
}

export interface StreamWindowCountsRequest__Output {
  /**
   * Only these sensors; empty means every sensor.
   */
  'sensorIds': (string)[];
  /**
   * Only closed windows (final = true); otherwise every update too.
   */
  'finalsOnly': (boolean);
}
