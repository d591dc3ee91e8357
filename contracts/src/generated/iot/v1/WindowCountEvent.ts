// Original file: contracts/proto/iot/v1/pipeline.proto

import type { WindowCount as _iot_v1_WindowCount, WindowCount__Output as _iot_v1_WindowCount__Output } from '../../iot/v1/WindowCount.ts';
import type { StreamPosition as _iot_v1_StreamPosition, StreamPosition__Output as _iot_v1_StreamPosition__Output } from '../../iot/v1/StreamPosition.ts';

export interface WindowCountEvent {
  'windowCount'?: (_iot_v1_WindowCount | null);
  'position'?: (_iot_v1_StreamPosition | null);
  /**
   * True while the gateway replays its current state to a new subscriber.
   */
  'snapshot'?: (boolean);
}

export interface WindowCountEvent__Output {
  'windowCount': (_iot_v1_WindowCount__Output | null);
  'position': (_iot_v1_StreamPosition__Output | null);
  /**
   * True while the gateway replays its current state to a new subscriber.
   */
  'snapshot': (boolean);
}
