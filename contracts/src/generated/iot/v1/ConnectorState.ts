// Original file: contracts/proto/iot/v1/pipeline.proto

/**
 * A connector's or a task's state, as Kafka Connect reports it.
 */
export const ConnectorState = {
  /**
   * A state this gateway does not know; the connector's detail gives Connect's own word.
   */
  CONNECTOR_STATE_UNSPECIFIED: 'CONNECTOR_STATE_UNSPECIFIED',
  CONNECTOR_STATE_RUNNING: 'CONNECTOR_STATE_RUNNING',
  /**
   * Paused by an operator (PUT /connectors/{name}/pause): no data moves until resumed.
   */
  CONNECTOR_STATE_PAUSED: 'CONNECTOR_STATE_PAUSED',
  /**
   * Stopped by an operator (PUT /connectors/{name}/stop): no tasks at all.
   */
  CONNECTOR_STATE_STOPPED: 'CONNECTOR_STATE_STOPPED',
  /**
   * Failed: `trace` says why; it stays so until restarted.
   */
  CONNECTOR_STATE_FAILED: 'CONNECTOR_STATE_FAILED',
  /**
   * Not yet assigned to a worker (during a rebalance of the Connect cluster).
   */
  CONNECTOR_STATE_UNASSIGNED: 'CONNECTOR_STATE_UNASSIGNED',
  CONNECTOR_STATE_RESTARTING: 'CONNECTOR_STATE_RESTARTING',
} as const;

/**
 * A connector's or a task's state, as Kafka Connect reports it.
 */
export type ConnectorState =
  /**
   * A state this gateway does not know; the connector's detail gives Connect's own word.
   */
  | 'CONNECTOR_STATE_UNSPECIFIED'
  | 0
  | 'CONNECTOR_STATE_RUNNING'
  | 1
  /**
   * Paused by an operator (PUT /connectors/{name}/pause): no data moves until resumed.
   */
  | 'CONNECTOR_STATE_PAUSED'
  | 2
  /**
   * Stopped by an operator (PUT /connectors/{name}/stop): no tasks at all.
   */
  | 'CONNECTOR_STATE_STOPPED'
  | 3
  /**
   * Failed: `trace` says why; it stays so until restarted.
   */
  | 'CONNECTOR_STATE_FAILED'
  | 4
  /**
   * Not yet assigned to a worker (during a rebalance of the Connect cluster).
   */
  | 'CONNECTOR_STATE_UNASSIGNED'
  | 5
  | 'CONNECTOR_STATE_RESTARTING'
  | 6

/**
 * A connector's or a task's state, as Kafka Connect reports it.
 */
export type ConnectorState__Output = typeof ConnectorState[keyof typeof ConnectorState]
