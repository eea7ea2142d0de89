import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { sentBody } from './request-body.js';

/**
 * `Idempotency-Key` on the POSTs that lead to something sent to Amazon (ship, cancel): the first request
 * with a key does the work and its answer is kept in Postgres; a repeat with the same key and the same
 * request gets that answer again (header `idempotent-replayed: true`) and changes nothing.
 */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, { error: 'expected 1 to 200 visible ASCII characters' })
    .optional()
    .describe('the same key twice does the action once; the second answer repeats the first'),
});

export interface Answer {
  status: number;
  body: unknown;
}

function fingerprintOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return createHash('sha256')
    .update(`${request.method} ${path}\n${JSON.stringify(sentBody(request) ?? null)}`)
    .digest('hex');
}

class IdempotencyConflict extends Error {
  constructor(
    readonly status: 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

async function replayOrRefuse(db: Db, key: string, fingerprint: string): Promise<Answer> {
  const row = await db
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
    throw new IdempotencyConflict(409, 'a request with this Idempotency-Key is still being processed');
  }
  return { status: row.status_code, body: row.response };
}

/** Does `work` once per key; without a key it simply does it. */
export async function idempotent(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  work: () => Promise<Answer>,
): Promise<FastifyReply> {
  const key = (request.headers as Record<string, string | undefined>)['idempotency-key'];
  if (key === undefined) {
    const answer = await work();
    return reply.code(answer.status).send(answer.body);
  }
  const fingerprint = fingerprintOf(request);
  const claimed = await db
    .insertInto('admin_idempotency_keys')
    .values({ key, fingerprint, state: 'started', response: null })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) {
    try {
      const answer = await replayOrRefuse(db, key, fingerprint);
      return reply.code(answer.status).header('idempotent-replayed', 'true').send(answer.body);
    } catch (err) {
      if (!(err instanceof IdempotencyConflict)) throw err;
      return reply
        .code(err.status)
        .send({ error: err.message, code: 'idempotency', field: 'headers.idempotency-key' });
    }
  }
  let answer: Answer;
  try {
    answer = await work();
  } catch (err) {
    // The services change nothing when they throw: the key is freed for a corrected request.
    await db.deleteFrom('admin_idempotency_keys').where('key', '=', key).execute();
    throw err;
  }
  await db
    .updateTable('admin_idempotency_keys')
    .set({
      state: 'done',
      status_code: answer.status,
      response: JSON.stringify(answer.body),
      finished_at: new Date(),
    })
    .where('key', '=', key)
    .execute();
  return reply.code(answer.status).send(answer.body);
}
