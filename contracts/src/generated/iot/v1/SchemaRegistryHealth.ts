// Original file: contracts/proto/iot/v1/pipeline.proto

import type { HealthStatus as _iot_v1_HealthStatus, HealthStatus__Output as _iot_v1_HealthStatus__Output } from '../../iot/v1/HealthStatus.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * The schema registry's Confluent-compatible API (GET /subjects).
 */
export interface SchemaRegistryHealth {
  /**
   * UP: it answered with its subjects; DEGRADED: it answered but lacks subjects the gateway
   * needs (missing_subjects); DOWN: no answer, or an HTTP error.
   */
  'status'?: (_iot_v1_HealthStatus);
  'detail'?: (string);
  'probeMs'?: (number | string | Long);
  /**
   * The API probed (the gateway's SCHEMA_REGISTRY_URL).
   */
  'url'?: (string);
  /**
   * How many subjects the registry has.
   */
  'subjectCount'?: (number);
  /**
   * Key and value subjects of the topics the gateway decodes that the registry does not have:
   * it lost its schemas (records already written cannot be decoded), or nothing has written
   * those topics yet.
   */
  'missingSubjects'?: (string)[];
}

/**
 * The schema registry's Confluent-compatible API (GET /subjects).
 */
export interface SchemaRegistryHealth__Output {
  /**
   * UP: it answered with its subjects; DEGRADED: it answered but lacks subjects the gateway
   * needs (missing_subjects); DOWN: no answer, or an HTTP error.
   */
  'status': (_iot_v1_HealthStatus__Output);
  'detail': (string);
  'probeMs': (number);
  /**
   * The API probed (the gateway's SCHEMA_REGISTRY_URL).
   */
  'url': (string);
  /**
   * How many subjects the registry has.
   */
  'subjectCount': (number);
  /**
   * Key and value subjects of the topics the gateway decodes that the registry does not have:
   * it lost its schemas (records already written cannot be decoded), or nothing has written
   * those topics yet.
   */
  'missingSubjects': (string)[];
}
