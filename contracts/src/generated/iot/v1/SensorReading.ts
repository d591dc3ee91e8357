// Original file: contracts/proto/iot/v1/pipeline.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One measurement of one sensor.
 */
export interface SensorReading {
  'sensorId'?: (string);
  /**
   * temperature, humidity, pressure, vibration, co2, power, or a type of your own.
   */
  'sensorType'?: (string);
  'siteId'?: (string);
  /**
   * When it was measured (event time), epoch milliseconds (UTC).
   */
  'timestampMs'?: (number | string | Long);
  'value'?: (number | string);
  /**
   * The value's unit, e.g. °C.
   */
  'unit'?: (string);
}

/**
 * One measurement of one sensor.
 */
export interface SensorReading__Output {
  'sensorId': (string);
  /**
   * temperature, humidity, pressure, vibration, co2, power, or a type of your own.
   */
  'sensorType': (string);
  'siteId': (string);
  /**
   * When it was measured (event time), epoch milliseconds (UTC).
   */
  'timestampMs': (number);
  'value': (number);
  /**
   * The value's unit, e.g. °C.
   */
  'unit': (string);
}
