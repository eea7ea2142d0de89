import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, Tx } from '../db/client.js';
import { sentBody } from './request-body.js';

/**
 * `Idempotency-Key` on the POSTs that lead to something sent to Amazon (ship, cancel, refund): the key
 * is claimed, the work done and its answer stored in one transaction, so a key is never stored without
 * its answer: a process that dies mid-request leaves nothing (Postgres rolls the transaction back) and
 * the same key sent again does the work, once. A repeat while the first is still running waits for it;
 * a repeat after it gets its answer again (header `idempotent-replayed: true`) and changes nothing.
 */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, { error: 'expected 1 to 200 visible ASCII characters' })
    .optional()
    .describe('the same key twice does the action once; the second answer repeats the first'),
});

/**
 * How long a repeat waits for the first request with its key to commit or roll back before answering
 * 409: a keyed request's work is a few statements (well under a second), so this covers a double click
 * or a client's quick retry without holding a connection for long.
 */
export const KEY_WAIT_MS = 2_000;

/**
 * A keyed transaction that goes this long without a statement is ended by Postgres and rolled back:
 * the claim of a process that hangs, or whose connection vanished without being closed (a machine
 * gone, which TCP notices only after hours), frees its key. Nothing but our own code runs between the
 * work's statements, so an idle gap this long means the process is not going to commit.
 */
export const KEYED_IDLE_MS = 30_000;

export interface Answer<Body = unknown> {
  status: number;
  body: Body;
}

export interface KeyedWork<Body> {
  /** The change, in the transaction that also claims the key and stores the answer. */
  work: (tx: Tx) => Promise<Answer<Body>>;
  /**
   * After the commit, what is not in Postgres (queueing a job): its answer is sent and replaces the
   * stored one. A repeat in between, or after a process died in between, gets the committed answer,
   * which is true of what was done (`queued: false`: the scheduled upload sends it).
   */
  afterCommit?: (answer: Answer<Body>) => Promise<Answer>;
}

function fingerprintOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return createHash('sha256')
    .update(`${request.method} ${path}\n${JSON.stringify(sentBody(request) ?? null)}`)
    .digest('hex');
}

export class IdempotencyConflict extends Error {
  constructor(
    readonly status: 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

const isLockTimeout = (err: unknown) => (err as { code?: string }).code === '55P03';

/**
 * Claims `key` in `tx`; false when it is taken by a committed request. A request with the key still
 * running is waited for (up to KEY_WAIT_MS): its commit takes the key, its rollback (a refusal, or a
 * process that died) frees it for this one.
 */
export async function claimKey(tx: Tx, key: string, fingerprint: string, now: Date): Promise<boolean> {
  await sql`SELECT set_config('lock_timeout', ${`${KEY_WAIT_MS}ms`}, true),
                   set_config('idle_in_transaction_session_timeout', ${`${KEYED_IDLE_MS}ms`}, true)`.execute(
    tx,
  );
  try {
    const claimed = await tx
      .insertInto('admin_idempotency_keys')
      .values({ key, fingerprint, state: 'started', response: null, created_at: now })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    await sql`SET LOCAL lock_timeout TO DEFAULT`.execute(tx);
    return claimed !== undefined;
  } catch (err) {
    if (!isLockTimeout(err)) throw err;
    throw new IdempotencyConflict(
      409,
      'a request with this Idempotency-Key is still being processed; send it again in a moment',
    );
  }
}

async function replayOrRefuse(tx: Tx, key: string, fingerprint: string): Promise<Answer> {
  const row = await tx
    .selectFrom('admin_idempotency_keys')
    .selectAll()
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row)
    throw new IdempotencyConflict(409, 'a request with this Idempotency-Key just ended; send it again');
  if (row.fingerprint !== fingerprint) {
    throw new IdempotencyConflict(
      422,
      'this Idempotency-Key was used for a different request; use a new key',
    );
  }
  if (row.state !== 'done' || row.status_code === null) {
    // Only a version that stored the answer apart from the work leaves such a key.
    throw new IdempotencyConflict(
      409,
      'the request with this Idempotency-Key stopped before its answer was stored, and whether it was ' +
        'done is not known: look at the order, then send it with a new key if it is still needed',
    );
  }
  return { status: row.status_code, body: row.response };
}

function storeAnswer(db: Db, key: string, answer: Answer, now: Date) {
  return db
    .updateTable('admin_idempotency_keys')
    .set({
      state: 'done',
      status_code: answer.status,
      response: JSON.stringify(answer.body),
      finished_at: now,
    })
    .where('key', '=', key)
    .execute();
}

type Outcome<Body> = { done: Answer<Body> } | { replayed: Answer };

async function doOnceForKey<Body>(
  db: Db,
  key: string,
  fingerprint: string,
  now: Date,
  keyed: KeyedWork<Body>,
): Promise<Outcome<unknown>> {
  const outcome = await db.transaction().execute(async (tx): Promise<Outcome<Body>> => {
    if (!(await claimKey(tx, key, fingerprint, now)))
      return { replayed: await replayOrRefuse(tx, key, fingerprint) };
    const answer = await keyed.work(tx);
    await storeAnswer(tx, key, answer, now);
    return { done: answer };
  });
  if ('replayed' in outcome || !keyed.afterCommit) return outcome;
  const answer = await keyed.afterCommit(outcome.done);
  await storeAnswer(db, key, answer, now);
  return { done: answer };
}

/** Does the work once per key (`now` is the app's clock); without a key it simply does it. */
export async function idempotent<Body>(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  now: Date,
  keyed: KeyedWork<Body>,
): Promise<FastifyReply> {
  const key = (request.headers as Record<string, string | undefined>)['idempotency-key'];
  if (key === undefined) {
    const answer = await db.transaction().execute(keyed.work);
    const sent: Answer = keyed.afterCommit ? await keyed.afterCommit(answer) : answer;
    return reply.code(sent.status).send(sent.body);
  }
  try {
    const outcome = await doOnceForKey(db, key, fingerprintOf(request), now, keyed);
    if ('done' in outcome) return reply.code(outcome.done.status).send(outcome.done.body);
    return reply
      .code(outcome.replayed.status)
      .header('idempotent-replayed', 'true')
      .send(outcome.replayed.body);
  } catch (err) {
    if (!(err instanceof IdempotencyConflict)) throw err;
    return reply
      .code(err.status)
      .send({ error: err.message, code: 'idempotency', field: 'headers.idempotency-key' });
  }
}
