// Cron's tables (schema versions 11 and 12 are reserved for it): jobs, and a ledger with one row per firing.
// The ledger's UNIQUE (job_id, scheduled_at) is what makes a firing run at most once: a process claims it with a
// single INSERT, and a second process (or a second tick) inserting the same key changes nothing.
import type { Migration } from '../store/migrations';

export const cronMigrations: Migration[] = [
  {
    version: 11,
    name: 'cron: jobs and the execution ledger',
    up(db) {
      db.exec(`
        CREATE TABLE cron_jobs (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          prompt TEXT NOT NULL,
          schedule TEXT NOT NULL,          -- what the user wrote ("every 2h", "0 9 * * 1-5", …)
          schedule_json TEXT NOT NULL,     -- the parsed form (server/cron/schedule.ts)
          timezone TEXT NOT NULL,
          anchor_at INTEGER NOT NULL,      -- intervals count from here
          skills TEXT NOT NULL DEFAULT '[]',
          toolsets TEXT,                   -- JSON list, or NULL for the configured ones
          deliver TEXT NOT NULL DEFAULT 'local',
          origin TEXT,                     -- JSON {platform, chatId, topicId} of the chat that created it
          allow_dangerous INTEGER NOT NULL DEFAULT 0,
          timeout_s INTEGER,
          catch_up TEXT,                   -- one | skip | NULL (config's cron.catch_up)
          repeat_times INTEGER,            -- NULL = forever
          repeat_done INTEGER NOT NULL DEFAULT 0,
          state TEXT NOT NULL DEFAULT 'scheduled', -- scheduled | paused | completed | error | removed
          next_run_at INTEGER,
          failures INTEGER NOT NULL DEFAULT 0,     -- consecutive failed runs (backoff)
          last_run_at INTEGER,
          last_status TEXT,
          last_error TEXT,
          created_by TEXT NOT NULL DEFAULT '',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        -- The due-time index: the scheduler asks for the earliest next_run_at of scheduled jobs, never scans.
        CREATE INDEX idx_cron_jobs_due ON cron_jobs(next_run_at) WHERE state = 'scheduled';

        CREATE TABLE cron_runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          job_id TEXT NOT NULL,
          scheduled_at INTEGER NOT NULL,   -- the firing this row accounts for
          kind TEXT NOT NULL,              -- scheduled | catch_up | manual | retry
          state TEXT NOT NULL CHECK (state IN ('claimed','running','completed','failed','skipped','unknown')),
          reason TEXT,                     -- why skipped / unknown / caught up
          missed INTEGER NOT NULL DEFAULT 0, -- firings collapsed into (or skipped by) this row
          owner_pid INTEGER,
          owner_start TEXT,                -- the owner process's start time (pid reuse cannot fool recovery)
          claimed_at INTEGER NOT NULL,
          started_at INTEGER,
          finished_at INTEGER,
          thread_id TEXT,
          error TEXT,
          output TEXT,
          delivery_state TEXT,             -- none | silent | pending | sent | failed | unknown
          delivery_error TEXT,
          outbox_ids TEXT,                 -- JSON list of gw_outbox ids carrying this run's output
          UNIQUE (job_id, scheduled_at)
        );
        CREATE INDEX idx_cron_runs_job ON cron_runs(job_id, id DESC);
        CREATE INDEX idx_cron_runs_state ON cron_runs(state) WHERE state IN ('claimed','running');
      `);
    },
  },
];
