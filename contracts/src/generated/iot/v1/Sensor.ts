// Original file: contracts/proto/iot/v1/pipeline.proto

import type { SensorReading as _iot_v1_SensorReading, SensorReading__Output as _iot_v1_SensorReading__Output } from '../../iot/v1/SensorReading.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * A device of the registry, with what the gateway currently knows of it.
 */
export interface Sensor {
  'sensorId'?: (string);
  'sensorType'?: (string);
  'siteId'?: (string);
  'displayName'?: (string);
  'unit'?: (string);
  /**
   * The RANGE alert band; unset on a side: the sensor type's default limit.
   */
  'minThreshold'?: (number | string);
  'maxThreshold'?: (number | string);
  /**
   * False: the stream processor raises no alerts for it.
   */
  'enabled'?: (boolean);
  /**
   * When the registry row last changed, epoch milliseconds.
   */
  'updatedAtMs'?: (number | string | Long);
  /**
   * The newest reading the gateway has seen (by event time); unset when none yet.
   */
  'latestReading'?: (_iot_v1_SensorReading | null);
  /**
   * Alerts now OPEN or ACKNOWLEDGED.
   */
  'openAlertCount'?: (number);
  '_minThreshold'?: "minThreshold";
  '_maxThreshold'?: "maxThreshold";
}

/**
 * A device of the registry, with what the gateway currently knows of it.
 */
export interface Sensor__Output {
  'sensorId': (string);
  'sensorType': (string);
  'siteId': (string);
  'displayName': (string);
  'unit': (string);
  /**
   * The RANGE alert band; unset on a side: the sensor type's default limit.
   */
  'minThreshold'?: (number);
  'maxThreshold'?: (number);
  /**
   * False: the stream processor raises no alerts for it.
   */
  'enabled': (boolean);
  /**
   * When the registry row last changed, epoch milliseconds.
   */
  'updatedAtMs': (number);
  /**
   * The newest reading the gateway has seen (by event time); unset when none yet.
   */
  'latestReading': (_iot_v1_SensorReading__Output | null);
  /**
   * Alerts now OPEN or ACKNOWLEDGED.
   */
  'openAlertCount': (number);
  '_minThreshold'?: "minThreshold";
  '_maxThreshold'?: "maxThreshold";
}
