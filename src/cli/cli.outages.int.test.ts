import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandStderr, runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';
import { databaseUrl, TEST_POSTGRES_URL } from '../../test/helpers/settings.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
});
afterAll(async () => context.cleanup());

// Nothing listens on port 1: a refused connection, as with a stopped service.
const NO_REDIS = 'redis://127.0.0.1:1';
const NO_POSTGRES = 'postgres://postgres:secret-password@127.0.0.1:1/sellersync';

const ADD = [
  'company',
  'add',
  '--name',
  'Outage Co',
  '--seller-id',
  'A2OUTAGE00001',
  '--region',
  'na',
  '--marketplace',
  'ATVPDKIKX0DER',
  '--lwa-client-id',
  'amzn1.application-oa2-client.outage',
  '--lwa-client-secret',
  'outage-client-secret',
  '--refresh-token',
  'Atzr|outage-refresh-token',
];

async function timed(args: string[], env: Record<string, string>) {
  const started = Date.now();
  const result = await runCliProcess(args, env);
  return { ...result, ms: Date.now() - started };
}

function expectOneLineNoStack(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at |Unhandled error event|ioredis/);
}

describe('a command whose store is down says so and stops', { timeout: 120_000 }, () => {
  it('Redis unreachable: company add exits 69 within seconds naming REDIS_URL, and stores nothing', async () => {
    const result = await timed(ADD, context.childEnv({ REDIS_URL: NO_REDIS }));
    expect(result.code).toBe(69);
    expect(result.ms).toBeLessThan(6000);
    expect(result.stderr).toMatch(/cannot reach Redis at 127\.0\.0\.1:1 \(REDIS_URL\)/);
    expectOneLineNoStack(commandStderr(result));
    const companies = await context.db.selectFrom('companies').select('id').execute();
    expect(companies).toEqual([]);
    // With Redis back the same command works: nothing half-done stands in the way.
    const retried = await runCliProcess([...ADD, '--json'], context.childEnv());
    expect(retried.code).toBe(0);
  });

  it('Redis unreachable: schedules and run exit 69; with --json the error is one JSON object', async () => {
    for (const args of [['schedules'], ['run', 'order-download', '--company', '1']]) {
      const result = await timed([...args, '--json'], context.childEnv({ REDIS_URL: NO_REDIS }));
      expect({ args, code: result.code }).toEqual({ args, code: 69 });
      expect(result.ms).toBeLessThan(6000);
      expect(JSON.parse(commandStderr(result))).toMatchObject({
        code: 'unavailable',
        field: 'REDIS_URL',
        error: expect.stringContaining('127.0.0.1:1'),
      });
    }
  });

  it('Postgres unreachable: exit 69 naming DATABASE_URL and the address, never the password', async () => {
    for (const args of [['company', 'list'], ADD, ['migrate']]) {
      const result = await timed(args, context.childEnv({ DATABASE_URL: NO_POSTGRES }));
      expect({ args, code: result.code }).toEqual({ args, code: 69 });
      expect(result.ms).toBeLessThan(6000);
      expect(result.stderr).toMatch(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/sellersync \(DATABASE_URL\)/);
      expect(result.stderr).not.toContain('secret-password');
      expectOneLineNoStack(commandStderr(result));
    }
  });

  it('a mistyped database name is not created: the command says it does not exist (exit 78)', async () => {
    const name = `sellersync_typo_${process.pid}`;
    for (const args of [['company', 'list'], ['orders', 'list'], ADD]) {
      const result = await runCliProcess(
        [...args, '--json'],
        context.childEnv({ DATABASE_URL: databaseUrl(name) }),
      );
      expect({ args, code: result.code }).toEqual({ args, code: 78 });
      expect(JSON.parse(commandStderr(result))).toMatchObject({
        code: 'database_missing',
        field: 'DATABASE_URL',
        error: expect.stringContaining(`database ${name} does not exist`),
      });
    }
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    await admin.end();
    expect(found.rowCount).toBe(0);
  });
});
