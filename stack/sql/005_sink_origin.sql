-- Which Kafka cluster the sink tables (window_counts_1m, alerts) mirror. They are a function of
-- that cluster's topics; when the stack comes up against another cluster (after
-- `npm run stack -- reset`, in a fresh clone), the stack tool empties them so that they can equal
-- the new topics again (see alignSinkTables in stack/src/postgres.ts).
CREATE TABLE IF NOT EXISTS sink_origin (
  singleton        boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
  kafka_cluster_id text        NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);
