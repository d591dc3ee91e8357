// Original file: contracts/proto/iot/v1/pipeline.proto

import type { HealthStatus as _iot_v1_HealthStatus, HealthStatus__Output as _iot_v1_HealthStatus__Output } from '../../iot/v1/HealthStatus.ts';
import type { GatewayFeed as _iot_v1_GatewayFeed, GatewayFeed__Output as _iot_v1_GatewayFeed__Output } from '../../iot/v1/GatewayFeed.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * This gateway: its streams' subscribers and whether the topic feeds behind them keep up.
 */
export interface GatewayHealth {
  /**
   * DEGRADED while a feed is still loading the topic at start (streams wait for it) or is
   * falling behind the topic; UP otherwise.
   */
  'status'?: (_iot_v1_HealthStatus);
  'detail'?: (string);
  /**
   * When this gateway process started, epoch milliseconds (UTC), and how long ago.
   */
  'startedAtMs'?: (number | string | Long);
  'uptimeMs'?: (number | string | Long);
  /**
   * One per streaming method: StreamReadings, StreamWindowCounts, StreamAlerts.
   */
  'feeds'?: (_iot_v1_GatewayFeed)[];
}

/**
 * This gateway: its streams' subscribers and whether the topic feeds behind them keep up.
 */
export interface GatewayHealth__Output {
  /**
   * DEGRADED while a feed is still loading the topic at start (streams wait for it) or is
   * falling behind the topic; UP otherwise.
   */
  'status': (_iot_v1_HealthStatus__Output);
  'detail': (string);
  /**
   * When this gateway process started, epoch milliseconds (UTC), and how long ago.
   */
  'startedAtMs': (number);
  'uptimeMs': (number);
  /**
   * One per streaming method: StreamReadings, StreamWindowCounts, StreamAlerts.
   */
  'feeds': (_iot_v1_GatewayFeed__Output)[];
}
