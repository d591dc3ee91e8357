// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Where a record is in Kafka.
 */
export interface StreamPosition {
  'topic'?: (string);
  'partition'?: (number);
  'offset'?: (number | string | Long);
}

/**
 * Where a record is in Kafka.
 */
export interface StreamPosition__Output {
  'topic': (string);
  'partition': (number);
  'offset': (number);
}
