import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ADMIN_TOKEN, type TestContext } from '../../test/helpers/context.js';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createDb } from '../db/client.js';
import { OwnRedis } from '../../test/helpers/own-redis.js';
import { closeQueues, createQueues } from '../jobs/queues.js';
import { createRedis } from '../shared/redis.js';
import { createAdminServer, listen, type AdminServer } from './server.js';

let context: TestContext;
let server: AdminServer;
let base: string;
beforeAll(async () => {
  context = await createTestContext();
  server = await createAdminServer(context);
  const address: AddressInfo = await listen(server, '127.0.0.1', 0);
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await server.close();
  await context.cleanup();
});

describe('admin HTTP server', () => {
  it('answers liveness and readiness without a token', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('is not ready when Redis does not answer', async () => {
    const unreachable = createRedis('redis://127.0.0.1:1');
    unreachable.on('error', () => undefined);
    const probe = await createAdminServer({ ...context, redis: unreachable });
    const address = await listen(probe, '127.0.0.1', 0);
    try {
      const response = await fetch(`http://127.0.0.1:${address.port}/readyz`);
      expect(response.status).toBe(503);
      const body = (await response.json()) as { checks: { postgres: string; redis: string } };
      expect(body.checks.postgres).toBe('ok');
      expect(body.checks.redis).toMatch(/^error/);
    } finally {
      unreachable.disconnect();
      await probe.close();
    }
  });

  it('answers 503 naming PostgreSQL, not 500, when Postgres cannot be reached during a request', async () => {
    const unreachable = createDb('postgres://postgres@127.0.0.1:1/sellersync', 1);
    const probe = await createAdminServer({ ...context, db: unreachable });
    const address = await listen(probe, '127.0.0.1', 0);
    try {
      const response = await fetch(`http://127.0.0.1:${address.port}/api/companies`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        error: 'PostgreSQL cannot be reached; try again',
        code: 'unavailable',
      });
    } finally {
      await probe.close();
      await unreachable.destroy();
    }
  });

  it('requires the admin token for the API and never returns secrets', async () => {
    await addTestCompany(context, { refreshToken: 'Atzr|api-secret-token' });
    expect((await fetch(`${base}/api/companies`)).status).toBe(401);
    expect(
      (await fetch(`${base}/api/companies`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    const response = await fetch(`${base}/api/companies`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect((JSON.parse(text) as { items: unknown[] }).items).toHaveLength(1);
    expect(text).not.toContain('api-secret-token');
    expect(text).not.toContain('_enc');
    const bad = await fetch(`${base}/api/runs?company=abc`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(bad.status).toBe(400);
  });

  it('answers 503 naming Redis, not 500, when Redis refuses to queue a run (maxmemory, noeviction)', async () => {
    const own = new OwnRedis();
    const connection = createRedis(await own.start());
    const queues = createQueues(connection, 'refusing');
    const probe = await createAdminServer(context, { queues: () => queues });
    const address = await listen(probe, '127.0.0.1', 0);
    try {
      const { id } = await addTestCompany(context);
      await queues['fulfillment-upload'].waitUntilReady();
      const used = Number(/used_memory:(\d+)/.exec(await connection.info('memory'))?.[1]);
      await connection.config('SET', 'maxmemory-policy', 'noeviction');
      await connection.config('SET', 'maxmemory', String(used + 1_000_000));
      for (
        let filled = 0;
        await connection.set(`filler:${filled}`, 'x'.repeat(10_000)).catch(() => null);
        filled++
      );
      const response = await fetch(`http://127.0.0.1:${address.port}/api/companies/${id}/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'fulfillment-upload', queue: true }),
      });
      expect(await response.json()).toEqual({
        error: 'Redis cannot be reached; try again',
        code: 'unavailable',
      });
      expect(response.status).toBe(503);
      expect(await queues['fulfillment-upload'].count()).toBe(0);
    } finally {
      await probe.close();
      await closeQueues(queues);
      connection.disconnect();
      await own.stop();
    }
  });
});
