import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { databaseUrl, TEST_POSTGRES_URL } from './settings.js';

const run = promisify(execFile);

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/**
 * Builds a migrated template database once per test run, with the real `sellersync migrate`; each test file
 * clones it. The name is unique to the run so that runs side by side never touch each other's template.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const template = `sellersync_test_template_${process.pid}`;
  process.env.TEST_TEMPLATE_DATABASE = template; // inherited by the test workers
  const name = pg.escapeIdentifier(template);
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
  await run(process.execPath, ['bin/sellersync.js', 'migrate'], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl(template) },
  });
  return async () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
