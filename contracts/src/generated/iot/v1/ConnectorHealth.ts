// Original file: contracts/proto/iot/v1/pipeline.proto

import type { HealthStatus as _iot_v1_HealthStatus, HealthStatus__Output as _iot_v1_HealthStatus__Output } from '../../iot/v1/HealthStatus.ts';
import type { ConnectorState as _iot_v1_ConnectorState, ConnectorState__Output as _iot_v1_ConnectorState__Output } from '../../iot/v1/ConnectorState.ts';
import type { ConnectorTaskHealth as _iot_v1_ConnectorTaskHealth, ConnectorTaskHealth__Output as _iot_v1_ConnectorTaskHealth__Output } from '../../iot/v1/ConnectorTaskHealth.ts';

export interface ConnectorHealth {
  'name'?: (string);
  /**
   * "source" or "sink", as Connect says.
   */
  'type'?: (string);
  /**
   * UP: the connector and all its tasks RUNNING; DOWN: it or one of its tasks FAILED;
   * DEGRADED otherwise (paused, stopped, unassigned, restarting, no tasks).
   */
  'status'?: (_iot_v1_HealthStatus);
  /**
   * What is wrong, e.g. "task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: ...".
   */
  'detail'?: (string);
  /**
   * The connector's own state and the worker that runs it.
   */
  'state'?: (_iot_v1_ConnectorState);
  'workerId'?: (string);
  /**
   * First line of the connector's failure trace (exception and message); empty unless FAILED.
   */
  'trace'?: (string);
  /**
   * Its tasks, ordered by id.
   */
  'tasks'?: (_iot_v1_ConnectorTaskHealth)[];
}

export interface ConnectorHealth__Output {
  'name': (string);
  /**
   * "source" or "sink", as Connect says.
   */
  'type': (string);
  /**
   * UP: the connector and all its tasks RUNNING; DOWN: it or one of its tasks FAILED;
   * DEGRADED otherwise (paused, stopped, unassigned, restarting, no tasks).
   */
  'status': (_iot_v1_HealthStatus__Output);
  /**
   * What is wrong, e.g. "task 0 FAILED: org.apache.kafka.connect.errors.ConnectException: ...".
   */
  'detail': (string);
  /**
   * The connector's own state and the worker that runs it.
   */
  'state': (_iot_v1_ConnectorState__Output);
  'workerId': (string);
  /**
   * First line of the connector's failure trace (exception and message); empty unless FAILED.
   */
  'trace': (string);
  /**
   * Its tasks, ordered by id.
   */
  'tasks': (_iot_v1_ConnectorTaskHealth__Output)[];
}
