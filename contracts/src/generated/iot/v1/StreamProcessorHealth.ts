// Original file: contracts/proto/iot/v1/pipeline.proto

import type { HealthStatus as _iot_v1_HealthStatus, HealthStatus__Output as _iot_v1_HealthStatus__Output } from '../../iot/v1/HealthStatus.ts';
import type { ConsumerGroupState as _iot_v1_ConsumerGroupState, ConsumerGroupState__Output as _iot_v1_ConsumerGroupState__Output } from '../../iot/v1/ConsumerGroupState.ts';
import type { ConsumerGroupMember as _iot_v1_ConsumerGroupMember, ConsumerGroupMember__Output as _iot_v1_ConsumerGroupMember__Output } from '../../iot/v1/ConsumerGroupMember.ts';
import type { TopicLag as _iot_v1_TopicLag, TopicLag__Output as _iot_v1_TopicLag__Output } from '../../iot/v1/TopicLag.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * The stream processor as its consumer group shows it: the group's state and members, its lag
 * on each input topic now, and its throughput from offset samples the gateway takes in the
 * background (every few seconds).
 */
export interface StreamProcessorHealth {
  /**
   * DOWN: the group has no member (the processor is not running) or cannot be described;
   * DEGRADED: a rebalance, a lag above the gateway's PROCESSOR_MAX_LAG_RECORDS, or a lag
   * with no committed progress over the whole sample window (stalled); UP otherwise.
   */
  'status'?: (_iot_v1_HealthStatus);
  'detail'?: (string);
  'probeMs'?: (number | string | Long);
  /**
   * The group (the gateway's PROCESSOR_GROUP_ID).
   */
  'groupId'?: (string);
  'groupState'?: (_iot_v1_ConsumerGroupState);
  /**
   * Ordered by member id.
   */
  'members'?: (_iot_v1_ConsumerGroupMember)[];
  /**
   * Records on the input topics the group has not committed yet, summed over lag_by_topic.
   */
  'totalLag'?: (number | string | Long);
  /**
   * Per input topic (those the members subscribe to, and those the group has committed
   * offsets for), ordered by topic name.
   */
  'lagByTopic'?: (_iot_v1_TopicLag)[];
  /**
   * Records per second the group committed on its input topics (committed-offset deltas over
   * rate_window_ms); unset until two samples exist.
   */
  'consumedRecordsPerSecond'?: (number | string);
  /**
   * Records per second written to the same topics (end-offset deltas over the same window).
   */
  'producedRecordsPerSecond'?: (number | string);
  /**
   * Time between the oldest and the newest offset sample behind the rates, milliseconds; 0
   * when there are no rates.
   */
  'rateWindowMs'?: (number | string | Long);
  '_consumedRecordsPerSecond'?: "consumedRecordsPerSecond";
  '_producedRecordsPerSecond'?: "producedRecordsPerSecond";
}

/**
 * The stream processor as its consumer group shows it: the group's state and members, its lag
 * on each input topic now, and its throughput from offset samples the gateway takes in the
 * background (every few seconds).
 */
export interface StreamProcessorHealth__Output {
  /**
   * DOWN: the group has no member (the processor is not running) or cannot be described;
   * DEGRADED: a rebalance, a lag above the gateway's PROCESSOR_MAX_LAG_RECORDS, or a lag
   * with no committed progress over the whole sample window (stalled); UP otherwise.
   */
  'status': (_iot_v1_HealthStatus__Output);
  'detail': (string);
  'probeMs': (number);
  /**
   * The group (the gateway's PROCESSOR_GROUP_ID).
   */
  'groupId': (string);
  'groupState': (_iot_v1_ConsumerGroupState__Output);
  /**
   * Ordered by member id.
   */
  'members': (_iot_v1_ConsumerGroupMember__Output)[];
  /**
   * Records on the input topics the group has not committed yet, summed over lag_by_topic.
   */
  'totalLag': (number);
  /**
   * Per input topic (those the members subscribe to, and those the group has committed
   * offsets for), ordered by topic name.
   */
  'lagByTopic': (_iot_v1_TopicLag__Output)[];
  /**
   * Records per second the group committed on its input topics (committed-offset deltas over
   * rate_window_ms); unset until two samples exist.
   */
  'consumedRecordsPerSecond'?: (number);
  /**
   * Records per second written to the same topics (end-offset deltas over the same window).
   */
  'producedRecordsPerSecond'?: (number);
  /**
   * Time between the oldest and the newest offset sample behind the rates, milliseconds; 0
   * when there are no rates.
   */
  'rateWindowMs': (number);
  '_consumedRecordsPerSecond'?: "consumedRecordsPerSecond";
  '_producedRecordsPerSecond'?: "producedRecordsPerSecond";
}
