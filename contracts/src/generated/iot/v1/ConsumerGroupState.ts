// Original file: contracts/proto/iot/v1/pipeline.proto

/**
 * A consumer group's state, as the group coordinator reports it.
 */
export const ConsumerGroupState = {
  /**
   * A state this gateway does not know, or the group could not be described.
   */
  CONSUMER_GROUP_STATE_UNSPECIFIED: 'CONSUMER_GROUP_STATE_UNSPECIFIED',
  /**
   * Members are consuming their assigned partitions.
   */
  CONSUMER_GROUP_STATE_STABLE: 'CONSUMER_GROUP_STATE_STABLE',
  /**
   * A rebalance is under way: nothing is consumed until it ends.
   */
  CONSUMER_GROUP_STATE_PREPARING_REBALANCE: 'CONSUMER_GROUP_STATE_PREPARING_REBALANCE',
  CONSUMER_GROUP_STATE_COMPLETING_REBALANCE: 'CONSUMER_GROUP_STATE_COMPLETING_REBALANCE',
  /**
   * The group has committed offsets but no member: nothing consumes.
   */
  CONSUMER_GROUP_STATE_EMPTY: 'CONSUMER_GROUP_STATE_EMPTY',
  /**
   * The group has neither members nor offsets (never ran, or expired).
   */
  CONSUMER_GROUP_STATE_DEAD: 'CONSUMER_GROUP_STATE_DEAD',
} as const;

/**
 * A consumer group's state, as the group coordinator reports it.
 */
export type ConsumerGroupState =
  /**
   * A state this gateway does not know, or the group could not be described.
   */
  | 'CONSUMER_GROUP_STATE_UNSPECIFIED'
  | 0
  /**
   * Members are consuming their assigned partitions.
   */
  | 'CONSUMER_GROUP_STATE_STABLE'
  | 1
  /**
   * A rebalance is under way: nothing is consumed until it ends.
   */
  | 'CONSUMER_GROUP_STATE_PREPARING_REBALANCE'
  | 2
  | 'CONSUMER_GROUP_STATE_COMPLETING_REBALANCE'
  | 3
  /**
   * The group has committed offsets but no member: nothing consumes.
   */
  | 'CONSUMER_GROUP_STATE_EMPTY'
  | 4
  /**
   * The group has neither members nor offsets (never ran, or expired).
   */
  | 'CONSUMER_GROUP_STATE_DEAD'
  | 5

/**
 * A consumer group's state, as the group coordinator reports it.
 */
export type ConsumerGroupState__Output = typeof ConsumerGroupState[keyof typeof ConsumerGroupState]
