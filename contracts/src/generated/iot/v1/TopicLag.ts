// Original file: contracts/proto/iot/v1/pipeline.proto

import type { PartitionLag as _iot_v1_PartitionLag, PartitionLag__Output as _iot_v1_PartitionLag__Output } from '../../iot/v1/PartitionLag.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * A consumer group's lag on one topic.
 */
export interface TopicLag {
  'topic'?: (string);
  /**
   * Summed over the partitions.
   */
  'lag'?: (number | string | Long);
  /**
   * Ordered by partition.
   */
  'partitions'?: (_iot_v1_PartitionLag)[];
}

/**
 * A consumer group's lag on one topic.
 */
export interface TopicLag__Output {
  'topic': (string);
  /**
   * Summed over the partitions.
   */
  'lag': (number);
  /**
   * Ordered by partition.
   */
  'partitions': (_iot_v1_PartitionLag__Output)[];
}
