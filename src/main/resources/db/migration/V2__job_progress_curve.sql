-- The objective curve of a job (Progress.curve): [[step, objective], ...] with steps ascending, at most 128
-- points (every step of a job of up to 128 steps). Written with the rest of the progress: by each heartbeat
-- while the job runs, and whole by its final write. Jobs stored before this read with an empty curve.
-- A constant default: adding the column rewrites no rows (PostgreSQL >= 11).
ALTER TABLE lucerna_job ADD COLUMN progress_curve jsonb NOT NULL DEFAULT '[]';
