-- The device registry: one row per sensor, edited with plain SQL. The Debezium Postgres source
-- connector (connect-config/devices-source.json) streams every change to the compacted topic
-- iot.devices; the stream processor alerts with each device's thresholds and enabled flag.
CREATE TABLE IF NOT EXISTS devices (
  sensor_id     text             PRIMARY KEY CHECK (sensor_id ~ '^[A-Za-z0-9._:-]{1,128}$'),
  sensor_type   text             NOT NULL CHECK (sensor_type <> ''),
  site_id       text             NOT NULL CHECK (site_id <> ''),
  display_name  text             NOT NULL CHECK (display_name <> ''),
  unit          text             NOT NULL,
  -- RANGE alert band; NULL on a side: the sensor type's default limit (stream-processor alert
  -- rules). Finite only (Postgres sorts NaN above Infinity, so '< Infinity' excludes it too).
  min_threshold double precision CHECK (min_threshold > '-Infinity' AND min_threshold < 'Infinity'),
  max_threshold double precision CHECK (max_threshold > '-Infinity' AND max_threshold < 'Infinity'),
  -- false: the processor raises no alerts for the sensor and clears its open ones (readings still count).
  enabled       boolean          NOT NULL DEFAULT true,
  updated_at    timestamptz      NOT NULL DEFAULT now(),
  CONSTRAINT devices_thresholds_ordered CHECK (min_threshold < max_threshold)
);

-- updated_at follows every change, whoever makes it.
CREATE OR REPLACE FUNCTION devices_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS devices_touch_updated_at ON devices;
CREATE TRIGGER devices_touch_updated_at BEFORE UPDATE ON devices
  FOR EACH ROW EXECUTE FUNCTION devices_touch_updated_at();

-- The default fleet (producers/fleets/demo.yaml, ids <site>-<type>-<n>), with each type's
-- default alert band as its thresholds. e2e/devices.test.ts checks the two stay the same.
INSERT INTO devices (sensor_id, sensor_type, site_id, display_name, unit, min_threshold, max_threshold)
SELECT fleet.site || '-' || fleet.type || '-' || n,
       fleet.type,
       fleet.site,
       initcap(replace(fleet.site, '-', ' ')) || ' ' || fleet.type || ' ' || n,
       kind.unit,
       kind.min_threshold,
       kind.max_threshold
FROM (VALUES
        ('plant-a', 'temperature', 4), ('plant-a', 'humidity', 2), ('plant-a', 'pressure', 1),
        ('plant-a', 'vibration', 4), ('plant-a', 'co2', 1), ('plant-a', 'power', 2),
        ('plant-b', 'temperature', 3), ('plant-b', 'humidity', 2), ('plant-b', 'pressure', 1),
        ('plant-b', 'vibration', 3), ('plant-b', 'co2', 1), ('plant-b', 'power', 2),
        ('office-c', 'temperature', 4), ('office-c', 'humidity', 2), ('office-c', 'pressure', 1),
        ('office-c', 'vibration', 1), ('office-c', 'co2', 3), ('office-c', 'power', 1)
     ) AS fleet(site, type, count)
JOIN (VALUES
        ('temperature', '°C', -10::double precision, 45::double precision),
        ('humidity', '%', 5, 95),
        ('pressure', 'hPa', 950, 1060),
        ('vibration', 'mm/s', 0, 10),
        ('co2', 'ppm', 300, 2000),
        ('power', 'W', 0, 4000)
     ) AS kind(type, unit, min_threshold, max_threshold) USING (type)
CROSS JOIN LATERAL generate_series(1, fleet.count) AS n
ON CONFLICT (sensor_id) DO NOTHING;
