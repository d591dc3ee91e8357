// Original file: contracts/proto/iot/v1/pipeline.proto

import type { HealthStatus as _iot_v1_HealthStatus, HealthStatus__Output as _iot_v1_HealthStatus__Output } from '../../iot/v1/HealthStatus.ts';
import type { BrokerHealth as _iot_v1_BrokerHealth, BrokerHealth__Output as _iot_v1_BrokerHealth__Output } from '../../iot/v1/BrokerHealth.ts';
import type { SchemaRegistryHealth as _iot_v1_SchemaRegistryHealth, SchemaRegistryHealth__Output as _iot_v1_SchemaRegistryHealth__Output } from '../../iot/v1/SchemaRegistryHealth.ts';
import type { KafkaConnectHealth as _iot_v1_KafkaConnectHealth, KafkaConnectHealth__Output as _iot_v1_KafkaConnectHealth__Output } from '../../iot/v1/KafkaConnectHealth.ts';
import type { StreamProcessorHealth as _iot_v1_StreamProcessorHealth, StreamProcessorHealth__Output as _iot_v1_StreamProcessorHealth__Output } from '../../iot/v1/StreamProcessorHealth.ts';
import type { GatewayHealth as _iot_v1_GatewayHealth, GatewayHealth__Output as _iot_v1_GatewayHealth__Output } from '../../iot/v1/GatewayHealth.ts';
import type { TopicFreshness as _iot_v1_TopicFreshness, TopicFreshness__Output as _iot_v1_TopicFreshness__Output } from '../../iot/v1/TopicFreshness.ts';
import type { Long } from '@grpc/proto-loader';

export interface GetPipelineHealthResponse {
  /**
   * The worst status of the parts below.
   */
  'status'?: (_iot_v1_HealthStatus);
  /**
   * For people: "all parts UP", or each part that is not UP with its reason.
   */
  'detail'?: (string);
  /**
   * When the gateway ran the checks, epoch milliseconds (UTC); ages below are relative to it.
   */
  'checkedAtMs'?: (number | string | Long);
  'broker'?: (_iot_v1_BrokerHealth | null);
  'schemaRegistry'?: (_iot_v1_SchemaRegistryHealth | null);
  'kafkaConnect'?: (_iot_v1_KafkaConnectHealth | null);
  'streamProcessor'?: (_iot_v1_StreamProcessorHealth | null);
  'gateway'?: (_iot_v1_GatewayHealth | null);
  /**
   * The pipeline's topics: sensor readings, window counts, alerts, devices (CDC), in that order.
   */
  'topics'?: (_iot_v1_TopicFreshness)[];
}

export interface GetPipelineHealthResponse__Output {
  /**
   * The worst status of the parts below.
   */
  'status': (_iot_v1_HealthStatus__Output);
  /**
   * For people: "all parts UP", or each part that is not UP with its reason.
   */
  'detail': (string);
  /**
   * When the gateway ran the checks, epoch milliseconds (UTC); ages below are relative to it.
   */
  'checkedAtMs': (number);
  'broker': (_iot_v1_BrokerHealth__Output | null);
  'schemaRegistry': (_iot_v1_SchemaRegistryHealth__Output | null);
  'kafkaConnect': (_iot_v1_KafkaConnectHealth__Output | null);
  'streamProcessor': (_iot_v1_StreamProcessorHealth__Output | null);
  'gateway': (_iot_v1_GatewayHealth__Output | null);
  /**
   * The pipeline's topics: sensor readings, window counts, alerts, devices (CDC), in that order.
   */
  'topics': (_iot_v1_TopicFreshness__Output)[];
}
