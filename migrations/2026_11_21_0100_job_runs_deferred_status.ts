import { sql, type Kysely } from 'kysely';

/** A run Amazon throttled is `deferred`: queued again after Amazon's wait, not counted as a failure. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE job_runs DROP CONSTRAINT job_runs_status_check`.execute(db);
  await sql`
    ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_check
      CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'deferred'))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE job_runs SET status = 'failed' WHERE status = 'deferred'`.execute(db);
  await sql`ALTER TABLE job_runs DROP CONSTRAINT job_runs_status_check`.execute(db);
  await sql`
    ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_check
      CHECK (status IN ('running', 'succeeded', 'failed', 'skipped'))
  `.execute(db);
}
