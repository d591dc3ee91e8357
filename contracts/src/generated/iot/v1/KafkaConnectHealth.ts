// Original file: contracts/proto/iot/v1/pipeline.proto

import type { HealthStatus as _iot_v1_HealthStatus, HealthStatus__Output as _iot_v1_HealthStatus__Output } from '../../iot/v1/HealthStatus.ts';
import type { ConnectorHealth as _iot_v1_ConnectorHealth, ConnectorHealth__Output as _iot_v1_ConnectorHealth__Output } from '../../iot/v1/ConnectorHealth.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * The Kafka Connect worker's REST API (GET /connectors?expand=status).
 */
export interface KafkaConnectHealth {
  /**
   * DOWN: no answer, or a connector is DOWN; DEGRADED: no connectors, or one is DEGRADED; UP:
   * every connector UP.
   */
  'status'?: (_iot_v1_HealthStatus);
  'detail'?: (string);
  'probeMs'?: (number | string | Long);
  /**
   * The REST API probed (the gateway's CONNECT_URL).
   */
  'url'?: (string);
  /**
   * Every connector the worker has, ordered by name.
   */
  'connectors'?: (_iot_v1_ConnectorHealth)[];
}

/**
 * The Kafka Connect worker's REST API (GET /connectors?expand=status).
 */
export interface KafkaConnectHealth__Output {
  /**
   * DOWN: no answer, or a connector is DOWN; DEGRADED: no connectors, or one is DEGRADED; UP:
   * every connector UP.
   */
  'status': (_iot_v1_HealthStatus__Output);
  'detail': (string);
  'probeMs': (number);
  /**
   * The REST API probed (the gateway's CONNECT_URL).
   */
  'url': (string);
  /**
   * Every connector the worker has, ordered by name.
   */
  'connectors': (_iot_v1_ConnectorHealth__Output)[];
}
