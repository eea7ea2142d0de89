import { readEnvironment } from '../../src/config.js';

const env = readEnvironment('.env.test');

/** Where the tests find Postgres and Redis; CI and developers may point them elsewhere. */
export const TEST_POSTGRES_URL = env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEMPLATE_DATABASE = env.TEST_TEMPLATE_DATABASE ?? 'sellersync_test_template';

export function databaseUrl(name: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
