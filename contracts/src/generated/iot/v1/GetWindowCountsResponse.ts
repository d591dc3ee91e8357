// Original file: contracts/proto/iot/v1/pipeline.proto

import type { WindowCount as _iot_v1_WindowCount, WindowCount__Output as _iot_v1_WindowCount__Output } from '../../iot/v1/WindowCount.ts';

export interface GetWindowCountsResponse {
  /**
   * Closed windows, oldest first.
   */
  'windowCounts'?: (_iot_v1_WindowCount)[];
  /**
   * Pass it to get the next page; empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface GetWindowCountsResponse__Output {
  /**
   * Closed windows, oldest first.
   */
  'windowCounts': (_iot_v1_WindowCount__Output)[];
  /**
   * Pass it to get the next page; empty on the last page.
   */
  'nextPageToken': (string);
}
