// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Sent on an idle stream so that proxies keep it open.
 */
export interface Heartbeat {
  /**
   * The gateway's clock, epoch milliseconds.
   */
  'serverTimeMs'?: (number | string | Long);
}

/**
 * Sent on an idle stream so that proxies keep it open.
 */
export interface Heartbeat__Output {
  /**
   * The gateway's clock, epoch milliseconds.
   */
  'serverTimeMs': (number);
}
