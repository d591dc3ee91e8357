// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The snapshot is over: live changes follow.
 */
export interface SnapshotComplete {
  /**
   * How many snapshot messages were sent.
   */
  'count'?: (number | string | Long);
}

/**
 * The snapshot is over: live changes follow.
 */
export interface SnapshotComplete__Output {
  /**
   * How many snapshot messages were sent.
   */
  'count': (number);
}
