// Original file: contracts/proto/iot/v1/pipeline.proto

import type { SensorReading as _iot_v1_SensorReading, SensorReading__Output as _iot_v1_SensorReading__Output } from '../../iot/v1/SensorReading.ts';
import type { StreamPosition as _iot_v1_StreamPosition, StreamPosition__Output as _iot_v1_StreamPosition__Output } from '../../iot/v1/StreamPosition.ts';
import type { SnapshotComplete as _iot_v1_SnapshotComplete, SnapshotComplete__Output as _iot_v1_SnapshotComplete__Output } from '../../iot/v1/SnapshotComplete.ts';
import type { Heartbeat as _iot_v1_Heartbeat, Heartbeat__Output as _iot_v1_Heartbeat__Output } from '../../iot/v1/Heartbeat.ts';

export interface ReadingEvent {
  'reading'?: (_iot_v1_SensorReading | null);
  /**
   * Of `reading`.
   */
  'position'?: (_iot_v1_StreamPosition | null);
  /**
   * True for the snapshot's readings.
   */
  'snapshot'?: (boolean);
  'snapshotComplete'?: (_iot_v1_SnapshotComplete | null);
  'heartbeat'?: (_iot_v1_Heartbeat | null);
  /**
   * Resume token (not on snapshot readings: resuming mid-snapshot is not possible).
   */
  'cursor'?: (string);
  'kind'?: "reading"|"snapshotComplete"|"heartbeat";
}

export interface ReadingEvent__Output {
  'reading'?: (_iot_v1_SensorReading__Output | null);
  /**
   * Of `reading`.
   */
  'position': (_iot_v1_StreamPosition__Output | null);
  /**
   * True for the snapshot's readings.
   */
  'snapshot': (boolean);
  'snapshotComplete'?: (_iot_v1_SnapshotComplete__Output | null);
  'heartbeat'?: (_iot_v1_Heartbeat__Output | null);
  /**
   * Resume token (not on snapshot readings: resuming mid-snapshot is not possible).
   */
  'cursor': (string);
  'kind'?: "reading"|"snapshotComplete"|"heartbeat";
}
