// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionLag {
  'partition'?: (number);
  /**
   * The group's committed offset (the next record it will read); -1 when it has committed
   * none (it will read from the earliest record, so the lag counts every record held).
   */
  'committedOffset'?: (number | string | Long);
  /**
   * The partition's end offset (the last stable offset: read_committed consumers see up to it).
   */
  'endOffset'?: (number | string | Long);
  /**
   * end_offset - committed_offset, never below 0.
   */
  'lag'?: (number | string | Long);
}

export interface PartitionLag__Output {
  'partition': (number);
  /**
   * The group's committed offset (the next record it will read); -1 when it has committed
   * none (it will read from the earliest record, so the lag counts every record held).
   */
  'committedOffset': (number);
  /**
   * The partition's end offset (the last stable offset: read_committed consumers see up to it).
   */
  'endOffset': (number);
  /**
   * end_offset - committed_offset, never below 0.
   */
  'lag': (number);
}
