// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Alert as _iot_v1_Alert, Alert__Output as _iot_v1_Alert__Output } from '../../iot/v1/Alert.ts';
import type { AlertRemoved as _iot_v1_AlertRemoved, AlertRemoved__Output as _iot_v1_AlertRemoved__Output } from '../../iot/v1/AlertRemoved.ts';
import type { StreamPosition as _iot_v1_StreamPosition, StreamPosition__Output as _iot_v1_StreamPosition__Output } from '../../iot/v1/StreamPosition.ts';
import type { SnapshotComplete as _iot_v1_SnapshotComplete, SnapshotComplete__Output as _iot_v1_SnapshotComplete__Output } from '../../iot/v1/SnapshotComplete.ts';
import type { Heartbeat as _iot_v1_Heartbeat, Heartbeat__Output as _iot_v1_Heartbeat__Output } from '../../iot/v1/Heartbeat.ts';

export interface AlertEvent {
  'alert'?: (_iot_v1_Alert | null);
  'removed'?: (_iot_v1_AlertRemoved | null);
  /**
   * Of `alert` or `removed`.
   */
  'position'?: (_iot_v1_StreamPosition | null);
  /**
   * True for the snapshot's alerts.
   */
  'snapshot'?: (boolean);
  'snapshotComplete'?: (_iot_v1_SnapshotComplete | null);
  'heartbeat'?: (_iot_v1_Heartbeat | null);
  /**
   * Resume token (not on snapshot alerts).
   */
  'cursor'?: (string);
  'kind'?: "alert"|"removed"|"snapshotComplete"|"heartbeat";
}

export interface AlertEvent__Output {
  'alert'?: (_iot_v1_Alert__Output | null);
  'removed'?: (_iot_v1_AlertRemoved__Output | null);
  /**
   * Of `alert` or `removed`.
   */
  'position': (_iot_v1_StreamPosition__Output | null);
  /**
   * True for the snapshot's alerts.
   */
  'snapshot': (boolean);
  'snapshotComplete'?: (_iot_v1_SnapshotComplete__Output | null);
  'heartbeat'?: (_iot_v1_Heartbeat__Output | null);
  /**
   * Resume token (not on snapshot alerts).
   */
  'cursor': (string);
  'kind'?: "alert"|"removed"|"snapshotComplete"|"heartbeat";
}
