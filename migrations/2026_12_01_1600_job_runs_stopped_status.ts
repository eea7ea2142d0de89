import { sql, type Kysely } from 'kysely';

/** A run ended by shutdown is `stopped`: what it committed stays and the next run resumes from there. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE job_runs DROP CONSTRAINT IF EXISTS job_runs_status_check`.execute(db);
  await sql`
    ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_check
      CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'deferred', 'stopped'))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE job_runs SET status = 'failed' WHERE status = 'stopped'`.execute(db);
  await sql`ALTER TABLE job_runs DROP CONSTRAINT IF EXISTS job_runs_status_check`.execute(db);
  await sql`
    ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_check
      CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'deferred'))
  `.execute(db);
}
