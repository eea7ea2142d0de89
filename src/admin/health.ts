import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { describePostgresFailure, redisProblem } from '../shared/stores.js';

export interface Readiness {
  ready: boolean;
  checks: { postgres: string; redis: string };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await withTimeout(probe(), 2000);
    return 'ok';
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** Ready when both stores answer: Postgres (source of truth) and Redis (schedules and work). */
export async function checkReadiness(app: AppContext): Promise<Readiness> {
  const { databaseUrl, redis: redisTarget } = app.config;
  const redisDown = redisProblem(app.redis, redisTarget);
  const [postgres, redis] = await Promise.all([
    check(() =>
      sql`SELECT 1`.execute(app.db).catch((err: unknown) => {
        throw describePostgresFailure(err, databaseUrl);
      }),
    ),
    redisDown ? `error: ${redisDown}` : check(() => app.redis.ping()),
  ]);
  return { ready: postgres === 'ok' && redis === 'ok', checks: { postgres, redis } };
}
