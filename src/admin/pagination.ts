import { z } from 'zod';
import { UsageError } from '../shared/errors.js';

/**
 * Cursor pagination: a list answers `{ items, nextCursor }`; `nextCursor` (opaque) is given back as
 * `cursor` for the next page, and is null on the last one.
 */
export const pageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int({ error: 'expected a whole number' })
    .min(1, { error: 'expected 1 to 500' })
    .max(500, { error: 'expected 1 to 500' })
    .default(50)
    .describe('items per page (1-500, default 50)'),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'expected the nextCursor of a previous page' })
    .optional()
    .describe('the nextCursor of the previous page'),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const cursorPayload = z.object({ offset: z.number().int().min(0) });

/** Where the page starts; a cursor not made by us is a 400 naming `cursor`. */
export function offsetOf(query: PageQuery): number {
  if (query.cursor === undefined) return 0;
  try {
    return cursorPayload.parse(JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'))).offset;
  } catch {
    throw new UsageError('querystring.cursor: expected the nextCursor of a previous page', {
      field: 'querystring.cursor',
    });
  }
}

function cursorAt(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

/**
 * A page of a query that can skip and take: `fetch(offset, count)` is asked for one more than the page
 * holds, to know whether another page follows.
 */
export async function pageOf<T>(
  query: PageQuery,
  fetch: (offset: number, count: number) => Promise<T[]>,
): Promise<Page<T>> {
  const offset = offsetOf(query);
  const found = await fetch(offset, query.limit + 1);
  const items = found.slice(0, query.limit);
  return { items, nextCursor: found.length > query.limit ? cursorAt(offset + query.limit) : null };
}

/** A page of a list read whole (short lists: companies, schedules, open requests). */
export async function pageOfAll<T>(query: PageQuery, all: () => Promise<T[]>): Promise<Page<T>> {
  return pageOf(query, async (offset, count) => (await all()).slice(offset, offset + count));
}
