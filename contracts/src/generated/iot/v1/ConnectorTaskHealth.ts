// Original file: contracts/proto/iot/v1/pipeline.proto

import type { ConnectorState as _iot_v1_ConnectorState, ConnectorState__Output as _iot_v1_ConnectorState__Output } from '../../iot/v1/ConnectorState.ts';

export interface ConnectorTaskHealth {
  'id'?: (number);
  'state'?: (_iot_v1_ConnectorState);
  'workerId'?: (string);
  /**
   * First line of the task's failure trace (exception and message); empty unless FAILED.
   */
  'trace'?: (string);
}

export interface ConnectorTaskHealth__Output {
  'id': (number);
  'state': (_iot_v1_ConnectorState__Output);
  'workerId': (string);
  /**
   * First line of the task's failure trace (exception and message); empty unless FAILED.
   */
  'trace': (string);
}
