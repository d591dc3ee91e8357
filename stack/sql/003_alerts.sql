-- The current state of every alert (iot.alerts), written only by the Kafka Connect JDBC sink:
-- upsert by key, and the row is deleted when the alert's tombstone arrives (a cleared alert expired).
CREATE TABLE IF NOT EXISTS alerts (
  sensor_id       text             NOT NULL,
  rule            text             NOT NULL,
  alert_id        text             NOT NULL,
  sensor_type     text             NOT NULL,
  site_id         text             NOT NULL,
  severity        text             NOT NULL,
  state           text             NOT NULL,
  trigger_value   double precision NOT NULL,
  peak_value      double precision NOT NULL,
  threshold       double precision NOT NULL,
  opened_at       timestamptz      NOT NULL,
  last_seen_at    timestamptz      NOT NULL,
  cleared_at      timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by text,
  message         text             NOT NULL,
  PRIMARY KEY (sensor_id, rule)
);
