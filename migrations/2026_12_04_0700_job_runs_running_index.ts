import { sql, type Kysely } from 'kysely';

/**
 * The runs still `running`, which every daemon looks for each reconcile interval to close those whose
 * lease lapsed: a handful among all the runs kept, found without reading the rest.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX job_runs_running ON job_runs (kind, company_id) WHERE status = 'running'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX job_runs_running`.execute(db);
}
