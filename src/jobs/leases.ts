import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { WriteFence } from '../db/fenced.js';
import type { Logger } from '../shared/logger.js';
import type { JobKind } from './kinds.js';

/**
 * At most one run of a (kind, company) at a time, across every process: a `job_leases` row held for a
 * limited time and renewed while the run works. Each new holder gets the next fencing token, and every
 * write of the run first checks, inside its own transaction, that the lease is still its own (locking
 * the row until that transaction ends, so a takeover waits for it): a run whose lease lapsed or was
 * taken over cannot write. Only row locks within transactions: it works behind PgBouncer in
 * transaction mode.
 */

export interface LeaseKey {
  kind: JobKind;
  companyId: number;
}

export interface Lease extends LeaseKey {
  holder: string;
  token: number;
}

/** A run's lease lapsed or was taken over: it must not write any more. */
export class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** A holder id unique to one attempt at running (kind, company), and readable in the table. */
export function newHolder(): string {
  return `${hostname()}/${process.pid}/${randomUUID()}`;
}

/** Takes the lease when it is free or has lapsed; null when another holder has it. */
export async function acquireLease(
  db: Db,
  key: LeaseKey,
  holder: string,
  ttlMs: number,
): Promise<Lease | null> {
  const result = await sql<{ token: number }>`
    INSERT INTO job_leases (kind, company_id, holder, token, expires_at)
    VALUES (${key.kind}, ${key.companyId}, ${holder}, 1, now() + make_interval(secs => ${ttlMs / 1000}))
    ON CONFLICT (kind, company_id) DO UPDATE
      SET holder = EXCLUDED.holder, token = job_leases.token + 1, expires_at = EXCLUDED.expires_at
      WHERE job_leases.expires_at <= now()
    RETURNING token`.execute(db);
  const token = result.rows[0]?.token;
  return token === undefined ? null : { ...key, holder, token: Number(token) };
}

/** Extends a lease still held; false when it lapsed or another holder took it. */
export async function renewLease(db: Db, lease: Lease, ttlMs: number): Promise<boolean> {
  const result = await db
    .updateTable('job_leases')
    .set({ expires_at: sql<Date>`now() + make_interval(secs => ${ttlMs / 1000})` })
    .where('kind', '=', lease.kind)
    .where('company_id', '=', lease.companyId)
    .where('holder', '=', lease.holder)
    .where('token', '=', lease.token)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Frees the lease if this holder still has it (the row stays, keeping the token count). */
export async function releaseLease(db: Db, key: LeaseKey, holder: string): Promise<void> {
  await db
    .updateTable('job_leases')
    .set({ expires_at: sql<Date>`'-infinity'::timestamptz` })
    .where('kind', '=', key.kind)
    .where('company_id', '=', key.companyId)
    .where('holder', '=', holder)
    .execute();
}

/** The check every write of the run passes: the lease is still this run's, held until the write commits. */
export function leaseFence(lease: Lease): WriteFence {
  const check = CompiledQuery.raw(
    `SELECT 1 FROM job_leases
      WHERE kind = $1 AND company_id = $2 AND holder = $3 AND token = $4 AND expires_at > now()
      FOR SHARE`,
    [lease.kind, lease.companyId, lease.holder, lease.token],
  );
  return async (connection) => {
    const result = await connection.executeQuery(check);
    if (result.rows.length === 0) {
      throw new LeaseLost(
        `the ${lease.kind} lease of company ${lease.companyId} (token ${lease.token}) lapsed or was taken over`,
      );
    }
  };
}

export interface LeaseKeeper {
  /** Aborted when the lease is lost: renewed no more, or found taken over. */
  lost: AbortSignal;
  stop(): void;
}

/**
 * Renews the lease every third of its time while the run works. A renewal that fails (the database
 * unreachable) is retried at the next tick; once the lease may have lapsed, or is found taken, it is lost.
 */
export function keepLease(db: Db, lease: Lease, ttlMs: number, logger: Logger): LeaseKeeper {
  const controller = new AbortController();
  let renewedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const lose = (reason: string) => {
    if (!controller.signal.aborted) controller.abort(new LeaseLost(reason));
  };
  const tick = async () => {
    const attemptAt = performance.now();
    try {
      if (await renewLease(db, lease, ttlMs)) renewedAt = attemptAt;
      else lose(`its lease (token ${lease.token}) lapsed or was taken over`);
    } catch (err) {
      logger.warn({ err }, 'the run lease could not be renewed; trying again');
      if (performance.now() - renewedAt >= ttlMs) lose('its lease could not be renewed in time');
    }
    if (!stopped && !controller.signal.aborted) timer = setTimeout(() => void tick(), ttlMs / 3);
  };
  timer = setTimeout(() => void tick(), ttlMs / 3);
  return {
    lost: controller.signal,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
