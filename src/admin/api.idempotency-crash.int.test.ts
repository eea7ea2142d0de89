import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCompany } from '../companies/companies.service.js';
import { createDb, type Db } from '../db/client.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { shippedOrders } from '../refunds/refunds.test-support.js';
import { parseRmaId, refundReturn } from '../returns/returns.service.js';
import { caller, type Call } from './admin.test-support.js';
import { claimKey, KEY_WAIT_MS } from './idempotency.js';
import { createAdminServer, type AdminServer } from './server.js';

/**
 * A keyed return refund whose process died mid-request: its claim and its work were one transaction,
 * which Postgres rolls back when the connection dies, so the retry with the same key refunds once.
 */

let world: FulfillmentWorld;
let server: AdminServer;
let api: Call;
let companyId: number;
let shipped: SimOrderView;
let other: Db;

beforeAll(async () => {
  world = await startFulfillmentWorld(1517);
  companyId = world.company.id;
  [shipped] = (await shippedOrders(world, [{ items: [{ quantity: 5, unitPrice: '10.00' }] }])) as [
    SimOrderView,
  ];
  server = await createAdminServer(world.context, { queues: () => world.queues });
  api = caller(server);
  // Another process's connections: the one that dies mid-request.
  other = createDb(world.context.databaseUrl, 2);
}, 120_000);

afterAll(async () => {
  await other?.destroy();
  await server?.close();
  await world?.close();
});

const returnsPath = () => `/api/companies/${companyId}/returns`;

async function receivedReturn(): Promise<string> {
  const added = await api('POST', returnsPath(), {
    amazonOrderId: shipped.orderId,
    items: [{ orderItemId: shipped.orderItems[0]!.orderItemId, quantity: 1 }],
    reason: 'too big',
  });
  expect(added.statusCode).toBe(201);
  const { rmaId } = added.json<{ rmaId: string }>();
  expect((await api('POST', `${returnsPath()}/${rmaId}/receive`)).statusCode).toBe(200);
  return rmaId;
}

async function refundsOfReturns(): Promise<number> {
  const refunds = await api('GET', `/api/companies/${companyId}/refunds?limit=100`);
  return refunds.json<{ items: { reason: string }[] }>().items.filter((r) => r.reason === 'CustomerReturn')
    .length;
}

/**
 * A request of another process, stopped inside its transaction after claiming `key` (and refunding the
 * return when `work`), as a process is when it dies before its commit; `kill` ends its connection.
 */
async function stoppedMidRequest(key: string, rmaId: string, work: boolean) {
  let kill!: () => Promise<void>;
  let wakeUp!: () => void;
  const inside = new Promise<void>((resolve, reject) => {
    const ended = other
      .transaction()
      .execute(async (tx) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
        await claimKey(tx, key, 'its fingerprint', world.now());
        if (work) {
          const company = await getCompany(tx, companyId);
          await refundReturn(tx, company, parseRmaId(rmaId), {}, world.context.config.refunds, world.now());
        }
        kill = async () => {
          // Waits until the backend is gone, and with it the transaction, as when its client's socket closes.
          await sql`SELECT pg_terminate_backend(${rows[0]!.pid}, 5000)`.execute(world.context.db);
          // Lets the dead request's code run on (its commit fails), so that its pool can close.
          wakeUp();
          await ended.catch(() => undefined);
        };
        resolve();
        await new Promise<void>((woken) => (wakeUp = woken));
      })
      .catch((err: unknown) => {
        reject(err as Error);
        throw err;
      });
  });
  await inside;
  return { kill };
}

describe('a keyed refund whose process died before answering', () => {
  it('waits for a request with the key still running, then refunds once when that one died after its work', async () => {
    const rmaId = await receivedReturn();
    const before = await refundsOfReturns();
    const key = { 'idempotency-key': 'died-after-work' };
    const stopped = await stoppedMidRequest(key['idempotency-key'], rmaId, true);

    const startedAt = Date.now();
    const whileRunning = await api('POST', `${returnsPath()}/${rmaId}/refund`, {}, key);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(KEY_WAIT_MS - 50);
    expect(whileRunning.statusCode).toBe(409);
    expect(whileRunning.json().error).toContain('still being processed');

    await stopped.kill();
    const retry = await api('POST', `${returnsPath()}/${rmaId}/refund`, {}, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.json()).toMatchObject({ return: { rmaId, state: 'refunded' }, queued: true });
    const again = await api('POST', `${returnsPath()}/${rmaId}/refund`, {}, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(retry.json());
    expect(await refundsOfReturns()).toBe(before + 1);
  }, 60_000);

  it('refunds once when the process died after claiming the key, before its work', async () => {
    const rmaId = await receivedReturn();
    const before = await refundsOfReturns();
    const key = { 'idempotency-key': 'died-before-work' };
    const stopped = await stoppedMidRequest(key['idempotency-key'], rmaId, false);
    await stopped.kill();
    const retry = await api('POST', `${returnsPath()}/${rmaId}/refund`, {}, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({ return: { rmaId, state: 'refunded' } });
    expect(await refundsOfReturns()).toBe(before + 1);
  }, 60_000);

  it('answers two requests sent at once with the same key with one refund and the same answer', async () => {
    const rmaId = await receivedReturn();
    const before = await refundsOfReturns();
    const key = { 'idempotency-key': 'double-click' };
    const answers = await Promise.all([
      api('POST', `${returnsPath()}/${rmaId}/refund`, {}, key),
      api('POST', `${returnsPath()}/${rmaId}/refund`, {}, key),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201]);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
    // The repeat may come between the commit and the queueing of the upload: `queued` may differ.
    const withoutQueued = (body: Record<string, unknown>) => ({ ...body, queued: undefined });
    expect(withoutQueued(answers[0]!.json())).toEqual(withoutQueued(answers[1]!.json()));
    expect(await refundsOfReturns()).toBe(before + 1);
  }, 60_000);

  it('says so, and does nothing, for a key an earlier version left without its answer', async () => {
    const rmaId = await receivedReturn();
    const before = await refundsOfReturns();
    const path = `${returnsPath()}/${rmaId}/refund`;
    await world.context.db
      .insertInto('admin_idempotency_keys')
      .values({
        key: 'left-by-earlier-version',
        fingerprint: createHash('sha256').update(`POST ${path}\n{}`).digest('hex'),
        state: 'started',
        response: null,
        created_at: world.now(),
      })
      .execute();
    const retry = await api('POST', path, {}, { 'idempotency-key': 'left-by-earlier-version' });
    expect(retry.statusCode).toBe(409);
    expect(retry.json().error).toContain('whether it was done is not known');
    expect(await refundsOfReturns()).toBe(before);
  }, 60_000);
});
