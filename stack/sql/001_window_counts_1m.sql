-- Per-sensor per-minute aggregates, written only by the Kafka Connect JDBC sink (upsert by key).
-- Created here rather than by the sink's schema evolution so that times are timestamptz and the
-- primary key is exactly (sensor_id, window_start).
CREATE TABLE IF NOT EXISTS window_counts_1m (
  sensor_id    text             NOT NULL,
  window_start timestamptz      NOT NULL,
  window_end   timestamptz      NOT NULL,
  count        bigint           NOT NULL,
  min          double precision NOT NULL,
  max          double precision NOT NULL,
  sum          double precision NOT NULL,
  mean         double precision NOT NULL,
  final        boolean          NOT NULL,
  PRIMARY KEY (sensor_id, window_start)
);
