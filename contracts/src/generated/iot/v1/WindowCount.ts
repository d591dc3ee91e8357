// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One sensor's aggregate over one event-time minute [window_start_ms, window_end_ms).
 */
export interface WindowCount {
  'sensorId'?: (string);
  /**
   * Window start, epoch milliseconds (UTC), inclusive.
   */
  'windowStartMs'?: (number | string | Long);
  /**
   * Window end, epoch milliseconds (UTC), exclusive.
   */
  'windowEndMs'?: (number | string | Long);
  /**
   * Number of readings in the window.
   */
  'count'?: (number | string | Long);
  'min'?: (number | string);
  'max'?: (number | string);
  'sum'?: (number | string);
  'mean'?: (number | string);
  /**
   * True once the window has closed: this is its last value.
   */
  'final'?: (boolean);
  /**
   * Earliest and latest reading timestamps in the window, epoch milliseconds (UTC); 0 when
   * unknown (windows written before these fields existed).
   */
  'firstEventTimeMs'?: (number | string | Long);
  'lastEventTimeMs'?: (number | string | Long);
}

/**
 * One sensor's aggregate over one event-time minute [window_start_ms, window_end_ms).
 */
export interface WindowCount__Output {
  'sensorId': (string);
  /**
   * Window start, epoch milliseconds (UTC), inclusive.
   */
  'windowStartMs': (number);
  /**
   * Window end, epoch milliseconds (UTC), exclusive.
   */
  'windowEndMs': (number);
  /**
   * Number of readings in the window.
   */
  'count': (number);
  'min': (number);
  'max': (number);
  'sum': (number);
  'mean': (number);
  /**
   * True once the window has closed: this is its last value.
   */
  'final': (boolean);
  /**
   * Earliest and latest reading timestamps in the window, epoch milliseconds (UTC); 0 when
   * unknown (windows written before these fields existed).
   */
  'firstEventTimeMs': (number);
  'lastEventTimeMs': (number);
}
