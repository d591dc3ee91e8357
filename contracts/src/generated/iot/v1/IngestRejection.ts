// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A reading that was not accepted.
 */
export interface IngestRejection {
  /**
   * Its position in the request stream, from 0.
   */
  'index'?: (number | string | Long);
  'sensorId'?: (string);
  /**
   * What was wrong, e.g. "value is not a finite number (NaN)".
   */
  'reason'?: (string);
}

/**
 * A reading that was not accepted.
 */
export interface IngestRejection__Output {
  /**
   * Its position in the request stream, from 0.
   */
  'index': (number);
  'sensorId': (string);
  /**
   * What was wrong, e.g. "value is not a finite number (NaN)".
   */
  'reason': (string);
}
