// Original file: contracts/proto/iot/v1/pipeline.proto

import type { HealthStatus as _iot_v1_HealthStatus, HealthStatus__Output as _iot_v1_HealthStatus__Output } from '../../iot/v1/HealthStatus.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * How recently a pipeline topic got a record, as the gateway saw it (it reads them all).
 */
export interface TopicFreshness {
  'topic'?: (string);
  /**
   * UP while records keep coming (the newest is younger than stale_after_ms), or always for a
   * topic written only on change (alerts, devices: stale_after_ms = 0); DEGRADED when it went
   * quiet or has no record at all; UNKNOWN when the gateway could not watch it.
   */
  'status'?: (_iot_v1_HealthStatus);
  'detail'?: (string);
  /**
   * Kafka timestamp of the newest record the gateway has read, epoch milliseconds (UTC); 0
   * when it has read none.
   */
  'newestRecordTimestampMs'?: (number | string | Long);
  /**
   * checked_at_ms - newest_record_timestamp_ms; unset when it has read none.
   */
  'newestRecordAgeMs'?: (number | string | Long);
  /**
   * When the gateway last received a record of it, epoch milliseconds (UTC); 0 when none.
   */
  'lastReceivedAtMs'?: (number | string | Long);
  /**
   * Quiet for longer than this (milliseconds) is DEGRADED; 0: not judged.
   */
  'staleAfterMs'?: (number | string | Long);
  '_newestRecordAgeMs'?: "newestRecordAgeMs";
}

/**
 * How recently a pipeline topic got a record, as the gateway saw it (it reads them all).
 */
export interface TopicFreshness__Output {
  'topic': (string);
  /**
   * UP while records keep coming (the newest is younger than stale_after_ms), or always for a
   * topic written only on change (alerts, devices: stale_after_ms = 0); DEGRADED when it went
   * quiet or has no record at all; UNKNOWN when the gateway could not watch it.
   */
  'status': (_iot_v1_HealthStatus__Output);
  'detail': (string);
  /**
   * Kafka timestamp of the newest record the gateway has read, epoch milliseconds (UTC); 0
   * when it has read none.
   */
  'newestRecordTimestampMs': (number);
  /**
   * checked_at_ms - newest_record_timestamp_ms; unset when it has read none.
   */
  'newestRecordAgeMs'?: (number);
  /**
   * When the gateway last received a record of it, epoch milliseconds (UTC); 0 when none.
   */
  'lastReceivedAtMs': (number);
  /**
   * Quiet for longer than this (milliseconds) is DEGRADED; 0: not judged.
   */
  'staleAfterMs': (number);
  '_newestRecordAgeMs'?: "newestRecordAgeMs";
}
