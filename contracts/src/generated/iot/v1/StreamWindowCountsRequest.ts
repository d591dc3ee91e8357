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
  /**
   * How many minutes of windows the snapshot holds (windows that ended that recently); 0: 60.
   */
  'snapshotMinutes'?: (number);
  /**
   * The `cursor` of the last event received on an earlier call: continue there, no snapshot.
   */
  'resumeCursor'?: (string);
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
  /**
   * How many minutes of windows the snapshot holds (windows that ended that recently); 0: 60.
   */
  'snapshotMinutes': (number);
  /**
   * The `cursor` of the last event received on an earlier call: continue there, no snapshot.
   */
  'resumeCursor': (string);
}
