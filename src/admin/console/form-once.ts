import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Db, Tx } from '../../db/client.js';
import { claimKey, IdempotencyConflict } from '../idempotency.js';
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

/**
 * Does `work` once per form key (`now` is the app's clock): the key is claimed, the work done and the
 * key marked done in one transaction, so a reload waits for a first send still running and then does
 * nothing, and a send whose process died (rolled back) can be sent again.
 */
export async function doOnce<T>(
  db: Db,
  request: FastifyRequest,
  now: Date,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const given = field(request, FORM_KEY_FIELD);
  if (!/^[0-9a-f-]{36}$/.test(given)) throw new UsageError(`${FORM_KEY_FIELD}: not a key of this console`);
  const key = `console-form:${given}`;
  try {
    return await db.transaction().execute(async (tx) => {
      if (!(await claimKey(tx, key, 'console-form', now)))
        throw new UsageError(
          'this form was sent already: nothing was done again (open the order for what it did)',
        );
      const result = await work(tx);
      await tx
        .updateTable('admin_idempotency_keys')
        .set({ state: 'done', status_code: 200, finished_at: now })
        .where('key', '=', key)
        .execute();
      return result;
    });
  } catch (err) {
    if (err instanceof IdempotencyConflict)
      throw new UsageError('this form is still being sent: open the order in a moment for what it did');
    throw err;
  }
}
