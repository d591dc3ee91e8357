// Original file: contracts/proto/iot/v1/pipeline.proto


export interface StreamReadingsRequest {
  /**
   * Only these sites, sensors, sensor types; an empty list does not filter.
   */
  'siteIds'?: (string)[];
  'sensorIds'?: (string)[];
  'sensorTypes'?: (string)[];
  /**
   * The `cursor` of the last event received on an earlier call: continue there, no snapshot.
   */
  'resumeCursor'?: (string);
}

export interface StreamReadingsRequest__Output {
  /**
   * Only these sites, sensors, sensor types; an empty list does not filter.
   */
  'siteIds': (string)[];
  'sensorIds': (string)[];
  'sensorTypes': (string)[];
  /**
   * The `cursor` of the last event received on an earlier call: continue there, no snapshot.
   */
  'resumeCursor': (string);
}
