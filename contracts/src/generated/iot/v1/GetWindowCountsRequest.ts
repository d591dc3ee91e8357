// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

export interface GetWindowCountsRequest {
  'sensorId'?: (string);
  /**
   * Windows that start in [from_ms, to_ms), epoch milliseconds; from_ms < to_ms, at most 31 days apart.
   */
  'fromMs'?: (number | string | Long);
  'toMs'?: (number | string | Long);
  /**
   * At most this many windows per page; 0: 500; at most 5000.
   */
  'pageSize'?: (number);
  /**
   * From the previous response's next_page_token; empty for the first page.
   */
  'pageToken'?: (string);
}

export interface GetWindowCountsRequest__Output {
  'sensorId': (string);
  /**
   * Windows that start in [from_ms, to_ms), epoch milliseconds; from_ms < to_ms, at most 31 days apart.
   */
  'fromMs': (number);
  'toMs': (number);
  /**
   * At most this many windows per page; 0: 500; at most 5000.
   */
  'pageSize': (number);
  /**
   * From the previous response's next_page_token; empty for the first page.
   */
  'pageToken': (string);
}
