// Original file: contracts/proto/iot/v1/pipeline.proto

import type { IngestRejection as _iot_v1_IngestRejection, IngestRejection__Output as _iot_v1_IngestRejection__Output } from '../../iot/v1/IngestRejection.ts';
import type { Long } from '@grpc/proto-loader';

export interface IngestReadingsResponse {
  /**
   * Readings written to iot.sensor-readings (acknowledged by Kafka).
   */
  'accepted'?: (number | string | Long);
  'rejected'?: (number | string | Long);
  /**
   * The first 100 rejections; `rejections_truncated` when there were more.
   */
  'rejections'?: (_iot_v1_IngestRejection)[];
  'rejectionsTruncated'?: (boolean);
}

export interface IngestReadingsResponse__Output {
  /**
   * Readings written to iot.sensor-readings (acknowledged by Kafka).
   */
  'accepted': (number);
  'rejected': (number);
  /**
   * The first 100 rejections; `rejections_truncated` when there were more.
   */
  'rejections': (_iot_v1_IngestRejection__Output)[];
  'rejectionsTruncated': (boolean);
}
