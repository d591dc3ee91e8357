-- Earliest and latest reading time in each window (WindowCount.firstEventTime/lastEventTime).
-- Nullable: rows written before the fields existed have none.
ALTER TABLE window_counts_1m ADD COLUMN IF NOT EXISTS first_event_time timestamptz;
ALTER TABLE window_counts_1m ADD COLUMN IF NOT EXISTS last_event_time timestamptz;
