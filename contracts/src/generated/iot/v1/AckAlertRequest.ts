// Original file: contracts/proto/iot/v1/pipeline.proto


export interface AckAlertRequest {
  /**
   * As on Alert.alert_id; the alert must be OPEN.
   */
  'alertId'?: (string);
  /**
   * Who acknowledges it (1 to 100 characters).
   */
  'acknowledgedBy'?: (string);
}

export interface AckAlertRequest__Output {
  /**
   * As on Alert.alert_id; the alert must be OPEN.
   */
  'alertId': (string);
  /**
   * Who acknowledges it (1 to 100 characters).
   */
  'acknowledgedBy': (string);
}
