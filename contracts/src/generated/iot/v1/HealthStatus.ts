// Original file: contracts/proto/iot/v1/pipeline.proto

/**
 * How a part of the pipeline is doing. A part is as healthy as its worst sub-part (Kafka Connect
 * with a FAILED connector is DOWN, its detail says which); the response's `status` is the worst
 * of all parts. Order of severity: DOWN, DEGRADED, UNKNOWN, UP.
 */
export const HealthStatus = {
  HEALTH_STATUS_UNSPECIFIED: 'HEALTH_STATUS_UNSPECIFIED',
  /**
   * Working as expected.
   */
  HEALTH_STATUS_UP: 'HEALTH_STATUS_UP',
  /**
   * Working, but something needs attention: a lag above its limit, a rebalance, a paused
   * connector, a topic that went quiet, a gateway feed falling behind.
   */
  HEALTH_STATUS_DEGRADED: 'HEALTH_STATUS_DEGRADED',
  /**
   * Not working, or not reachable from the gateway: data does not flow through it.
   */
  HEALTH_STATUS_DOWN: 'HEALTH_STATUS_DOWN',
  /**
   * The gateway cannot tell (yet): e.g. a topic it could not start watching.
   */
  HEALTH_STATUS_UNKNOWN: 'HEALTH_STATUS_UNKNOWN',
} as const;

/**
 * How a part of the pipeline is doing. A part is as healthy as its worst sub-part (Kafka Connect
 * with a FAILED connector is DOWN, its detail says which); the response's `status` is the worst
 * of all parts. Order of severity: DOWN, DEGRADED, UNKNOWN, UP.
 */
export type HealthStatus =
  | 'HEALTH_STATUS_UNSPECIFIED'
  | 0
  /**
   * Working as expected.
   */
  | 'HEALTH_STATUS_UP'
  | 1
  /**
   * Working, but something needs attention: a lag above its limit, a rebalance, a paused
   * connector, a topic that went quiet, a gateway feed falling behind.
   */
  | 'HEALTH_STATUS_DEGRADED'
  | 2
  /**
   * Not working, or not reachable from the gateway: data does not flow through it.
   */
  | 'HEALTH_STATUS_DOWN'
  | 3
  /**
   * The gateway cannot tell (yet): e.g. a topic it could not start watching.
   */
  | 'HEALTH_STATUS_UNKNOWN'
  | 4

/**
 * How a part of the pipeline is doing. A part is as healthy as its worst sub-part (Kafka Connect
 * with a FAILED connector is DOWN, its detail says which); the response's `status` is the worst
 * of all parts. Order of severity: DOWN, DEGRADED, UNKNOWN, UP.
 */
export type HealthStatus__Output = typeof HealthStatus[keyof typeof HealthStatus]
