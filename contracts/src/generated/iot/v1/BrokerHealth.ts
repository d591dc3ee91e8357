// Original file: contracts/proto/iot/v1/pipeline.proto

import type { HealthStatus as _iot_v1_HealthStatus, HealthStatus__Output as _iot_v1_HealthStatus__Output } from '../../iot/v1/HealthStatus.ts';
import type { KafkaBroker as _iot_v1_KafkaBroker, KafkaBroker__Output as _iot_v1_KafkaBroker__Output } from '../../iot/v1/KafkaBroker.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * The Kafka cluster, from a metadata request.
 */
export interface BrokerHealth {
  /**
   * UP: the cluster answered and has an active controller; DEGRADED: no active controller;
   * DOWN: no answer.
   */
  'status'?: (_iot_v1_HealthStatus);
  /**
   * What is wrong, or a summary such as "1 broker, controller 1".
   */
  'detail'?: (string);
  /**
   * How long the probe took, milliseconds (at most the probe timeout).
   */
  'probeMs'?: (number | string | Long);
  /**
   * Empty when the probe failed.
   */
  'clusterId'?: (string);
  /**
   * The active controller's node id; -1 when there is none or the probe failed.
   */
  'controllerId'?: (number);
  /**
   * The brokers the cluster advertises.
   */
  'brokers'?: (_iot_v1_KafkaBroker)[];
}

/**
 * The Kafka cluster, from a metadata request.
 */
export interface BrokerHealth__Output {
  /**
   * UP: the cluster answered and has an active controller; DEGRADED: no active controller;
   * DOWN: no answer.
   */
  'status': (_iot_v1_HealthStatus__Output);
  /**
   * What is wrong, or a summary such as "1 broker, controller 1".
   */
  'detail': (string);
  /**
   * How long the probe took, milliseconds (at most the probe timeout).
   */
  'probeMs': (number);
  /**
   * Empty when the probe failed.
   */
  'clusterId': (string);
  /**
   * The active controller's node id; -1 when there is none or the probe failed.
   */
  'controllerId': (number);
  /**
   * The brokers the cluster advertises.
   */
  'brokers': (_iot_v1_KafkaBroker__Output)[];
}
