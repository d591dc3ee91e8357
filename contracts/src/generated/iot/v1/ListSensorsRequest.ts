// Original file: contracts/proto/iot/v1/pipeline.proto


export interface ListSensorsRequest {
  /**
   * Only these sites and sensor types; an empty list does not filter.
   */
  'siteIds'?: (string)[];
  'sensorTypes'?: (string)[];
}

export interface ListSensorsRequest__Output {
  /**
   * Only these sites and sensor types; an empty list does not filter.
   */
  'siteIds': (string)[];
  'sensorTypes': (string)[];
}
