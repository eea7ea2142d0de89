import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { databaseUrl, TEMPLATE_DATABASE, TEST_POSTGRES_URL } from './settings.js';

const run = promisify(execFile);

/** Builds a migrated template database once per test run (with the real `sellersync migrate`); each test file clones it. */
export default async function setup(): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  const name = pg.escapeIdentifier(TEMPLATE_DATABASE);
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  await run(process.execPath, ['bin/sellersync.js', 'migrate'], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl(TEMPLATE_DATABASE) },
  });
}
