-- Version 13: jobs on several servers. A server claims a job with a lease
-- (lease_owner: the claiming process; lease_expires_at: UTC ISO-8601) that it
-- renews while the job runs; a running job whose lease expired (its server
-- stopped) is claimed again by any server, and `attempts` counts the claims.
-- Finished jobs are pruned after the retention by finished_at (hence the index).
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_expires_at TEXT;
ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_finished_at ON jobs(finished_at);
