-- Lucerna on PostgreSQL (lucerna.data.store=postgres): the jobs of every instance, their queue, leases,
-- history and images. Applied by Flyway at start (under Flyway's advisory lock, so several instances that
-- start together apply it once). Requires PostgreSQL >= 12 (MATERIALIZED CTEs); tested on 16.
-- The statements that use it are in org.lucerna.job.postgres; the design is issue 13's scale-out.md.

CREATE TABLE lucerna_job (
    id                  text        PRIMARY KEY,            -- ULID made by the service: time-ordered, so listing by id is by creation
    client_id           text        NOT NULL DEFAULT 'anonymous', -- fairness group (per-client running limit in the claim)
    state               text        NOT NULL DEFAULT 'QUEUED'
                        CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    priority            smallint    NOT NULL DEFAULT 0,     -- higher first
    spec                jsonb       NOT NULL,               -- the job's JobSpec as JobJson writes it (never changes)
    model               text        NOT NULL,               -- spec.model, for listing by model
    fingerprint         text        NOT NULL,               -- equal fingerprints render equal images (result reuse)
    idempotency_key     text,
    reused_from         text,                               -- the finished job whose images this one serves
    batch_key           text,                               -- plan key: jobs that could share one batch on a device
    attempt             integer     NOT NULL DEFAULT 0,     -- claims that counted (a drain hands its claim back)
    max_attempts        integer     NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
    lease_epoch         bigint      NOT NULL DEFAULT 0,     -- fencing token: +1 on every claim, every worker write names it
    lease_owner         text,                               -- "<instance>/<worker>" while RUNNING under a lease
    lease_expires_at    timestamptz,                        -- database clock only; renewed by the owner's heartbeat
    attempted_at        timestamptz,                        -- start of the current claim (the time limit counts from here)
    cancel_requested_at timestamptz,                        -- a cancel arrived while RUNNING
    run_after           timestamptz NOT NULL DEFAULT now(), -- back-off after a rescue
    time_limit          interval    NOT NULL DEFAULT interval '10 minutes',
    progress_step       integer     NOT NULL DEFAULT 0,
    progress_total      integer     NOT NULL,
    progress_objective  double precision,
    progress_rate       double precision,                   -- steps per second
    progress_snapshots  integer[]   NOT NULL DEFAULT '{}',
    version             bigint      NOT NULL DEFAULT 0,     -- +1 on every change a client can see: the SSE event id
    error               text,                               -- why it FAILED
    created_at          timestamptz NOT NULL DEFAULT now(),
    started_at          timestamptz,                        -- start of the current (last) run
    finished_at         timestamptz,
    CONSTRAINT final_iff_finished CHECK ((state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')) = (finished_at IS NOT NULL)),
    -- A lease only while RUNNING. A RUNNING job may have none when it was moved there by a plain save
    -- (one instance without the queue); such a job is never rescued.
    CONSTRAINT leased_only_running CHECK (state = 'RUNNING' OR (lease_owner IS NULL AND lease_expires_at IS NULL)),
    CONSTRAINT lease_whole CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))
) WITH (
    -- room on each page so heartbeat/progress updates stay HOT (no indexed column changes on a heartbeat)
    fillfactor = 80,
    -- a queue table churns: vacuum and analyze it far more often than the 20 % default
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_threshold = 200,
    autovacuum_analyze_scale_factor = 0.02
);

-- The claim scans this: only QUEUED rows are in it, in claim order.
CREATE INDEX lucerna_job_queued   ON lucerna_job (priority DESC, created_at, id) WHERE state = 'QUEUED';
-- Queue position (jobs QUEUED before an id).
CREATE INDEX lucerna_job_queued_id ON lucerna_job (id) WHERE state = 'QUEUED';
-- Per-client running counts (fairness) and the rescue sweep: tiny, only RUNNING rows.
CREATE INDEX lucerna_job_running  ON lucerna_job (client_id) WHERE state = 'RUNNING';
-- Batching: the other QUEUED jobs that share the head job's batch key.
CREATE INDEX lucerna_job_batch    ON lucerna_job (batch_key, created_at) WHERE state = 'QUEUED' AND batch_key IS NOT NULL;
-- Idempotency-Key: one job per client and key, for as long as the job is kept.
CREATE UNIQUE INDEX lucerna_job_idem ON lucerna_job (client_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Result reuse: a SUCCEEDED job with the same fingerprint.
CREATE INDEX lucerna_job_fingerprint ON lucerna_job (fingerprint);
-- Retention sweep.
CREATE INDEX lucerna_job_finished ON lucerna_job (finished_at) WHERE finished_at IS NOT NULL;

-- Append-only history: every change of state, written by the trigger below in the transaction that made
-- it (so a job has exactly one 'done' row, and a rescued job's whole story is here). Never progress ticks.
CREATE TABLE lucerna_job_event (
    job_id  text        NOT NULL REFERENCES lucerna_job (id) ON DELETE CASCADE,
    version bigint      NOT NULL,                            -- the job's version after the change
    at      timestamptz NOT NULL DEFAULT now(),
    type    text        NOT NULL,                            -- status | done
    data    jsonb       NOT NULL,                            -- {state, attempt, epoch, by}
    PRIMARY KEY (job_id, version)
);

-- PNGs (final-0, step-64-0, grid) and the uploaded start picture. No foreign key: the start picture is
-- stored before its job (so no worker can see the job without it); deleting a job deletes its images
-- (trigger below). The final images are written in the same transaction as the fenced final state.
CREATE TABLE lucerna_image (
    job_id      text        NOT NULL,
    name        text        NOT NULL,
    lease_epoch bigint,                                      -- the claim that wrote it; null when written outside a lease
    sha256      bytea       NOT NULL,                        -- the ETag
    png         bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, name)
);
-- PNG is already deflated: store out of line without trying pglz on it.
ALTER TABLE lucerna_image ALTER COLUMN png SET STORAGE EXTERNAL;

-- Service instances, for operations (health, metrics) and fast rescue on a clean shutdown.
CREATE TABLE lucerna_instance (
    id           text        PRIMARY KEY,                    -- pod name + start time
    devices      text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    draining     boolean     NOT NULL DEFAULT false
);

-- Wake-ups: the payload is only an id, a version and a state (NOTIFY payloads are limited to 8000 bytes,
-- and identical payloads in one transaction fold into one). Listeners re-read the row. The history row
-- is written here too, so that every path that changes a state leaves one.
CREATE FUNCTION lucerna_job_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.version <> OLD.version THEN
        PERFORM pg_notify('lucerna_job', NEW.id || ' ' || NEW.version || ' ' || NEW.state);
    END IF;
    IF TG_OP = 'INSERT' OR NEW.state <> OLD.state THEN
        INSERT INTO lucerna_job_event (job_id, version, type, data)
        VALUES (NEW.id, NEW.version,
                CASE WHEN NEW.state IN ('SUCCEEDED', 'FAILED', 'CANCELLED') THEN 'done' ELSE 'status' END,
                jsonb_build_object('state', NEW.state, 'attempt', NEW.attempt, 'epoch', NEW.lease_epoch,
                                   'by', CASE WHEN TG_OP = 'INSERT' THEN NULL
                                              ELSE coalesce(NEW.lease_owner, OLD.lease_owner) END))
        ON CONFLICT (job_id, version) DO NOTHING;
    END IF;
    IF NEW.state = 'QUEUED' AND (TG_OP = 'INSERT' OR OLD.state <> 'QUEUED') THEN
        PERFORM pg_notify('lucerna_queue', '');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER lucerna_job_changed AFTER INSERT OR UPDATE ON lucerna_job
    FOR EACH ROW EXECUTE FUNCTION lucerna_job_changed();

CREATE FUNCTION lucerna_job_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lucerna_image WHERE job_id = OLD.id;
    RETURN NULL;
END $$;

CREATE TRIGGER lucerna_job_deleted AFTER DELETE ON lucerna_job
    FOR EACH ROW EXECUTE FUNCTION lucerna_job_deleted();
