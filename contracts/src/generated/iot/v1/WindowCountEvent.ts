// Original file: contracts/proto/iot/v1/pipeline.proto

import type { WindowCount as _iot_v1_WindowCount, WindowCount__Output as _iot_v1_WindowCount__Output } from '../../iot/v1/WindowCount.ts';
import type { StreamPosition as _iot_v1_StreamPosition, StreamPosition__Output as _iot_v1_StreamPosition__Output } from '../../iot/v1/StreamPosition.ts';
import type { SnapshotComplete as _iot_v1_SnapshotComplete, SnapshotComplete__Output as _iot_v1_SnapshotComplete__Output } from '../../iot/v1/SnapshotComplete.ts';
import type { Heartbeat as _iot_v1_Heartbeat, Heartbeat__Output as _iot_v1_Heartbeat__Output } from '../../iot/v1/Heartbeat.ts';

export interface WindowCountEvent {
  'windowCount'?: (_iot_v1_WindowCount | null);
  /**
   * Of `window_count`.
   */
  'position'?: (_iot_v1_StreamPosition | null);
  /**
   * True while the gateway replays its current state to a new subscriber.
   */
  'snapshot'?: (boolean);
  'snapshotComplete'?: (_iot_v1_SnapshotComplete | null);
  'heartbeat'?: (_iot_v1_Heartbeat | null);
  /**
   * Resume token (not on snapshot windows).
   */
  'cursor'?: (string);
  'kind'?: "windowCount"|"snapshotComplete"|"heartbeat";
}

export interface WindowCountEvent__Output {
  'windowCount'?: (_iot_v1_WindowCount__Output | null);
  /**
   * Of `window_count`.
   */
  'position': (_iot_v1_StreamPosition__Output | null);
  /**
   * True while the gateway replays its current state to a new subscriber.
   */
  'snapshot': (boolean);
  'snapshotComplete'?: (_iot_v1_SnapshotComplete__Output | null);
  'heartbeat'?: (_iot_v1_Heartbeat__Output | null);
  /**
   * Resume token (not on snapshot windows).
   */
  'cursor': (string);
  'kind'?: "windowCount"|"snapshotComplete"|"heartbeat";
}
