// Original file: contracts/proto/iot/v1/pipeline.proto

import type { TopicPartitions as _iot_v1_TopicPartitions, TopicPartitions__Output as _iot_v1_TopicPartitions__Output } from '../../iot/v1/TopicPartitions.ts';

export interface ConsumerGroupMember {
  'memberId'?: (string);
  'clientId'?: (string);
  'clientHost'?: (string);
  /**
   * The partitions assigned to it, per topic, ordered by topic name.
   */
  'assignment'?: (_iot_v1_TopicPartitions)[];
}

export interface ConsumerGroupMember__Output {
  'memberId': (string);
  'clientId': (string);
  'clientHost': (string);
  /**
   * The partitions assigned to it, per topic, ordered by topic name.
   */
  'assignment': (_iot_v1_TopicPartitions__Output)[];
}
