import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.js';
import { UsageError } from '../../shared/errors.js';
import { field } from './http.js';

/**
 * A form that leads to something sent to Amazon (ship, cancel, refund) carries a one-time key: a reload
 * of the answer, or a second click, does the action once. Kept with the API's idempotency keys.
 */
export const FORM_KEY_FIELD = 'formKey';

export function newFormKey(): string {
  return randomUUID();
}

export async function doOnce<T>(db: Db, request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  const given = field(request, FORM_KEY_FIELD);
  if (!/^[0-9a-f-]{36}$/.test(given)) throw new UsageError(`${FORM_KEY_FIELD}: not a key of this console`);
  const key = `console-form:${given}`;
  const claimed = await db
    .insertInto('admin_idempotency_keys')
    .values({ key, fingerprint: 'console-form', state: 'started', response: null })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed)
    throw new UsageError(
      'this form was sent already: nothing was done again (open the order for what it did)',
    );
  try {
    const result = await work();
    await db
      .updateTable('admin_idempotency_keys')
      .set({ state: 'done', status_code: 200, finished_at: new Date() })
      .where('key', '=', key)
      .execute();
    return result;
  } catch (err) {
    // The services change nothing when they refuse: the same form can be corrected and sent again.
    await db.deleteFrom('admin_idempotency_keys').where('key', '=', key).execute();
    throw err;
  }
}
