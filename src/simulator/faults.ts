import { z } from 'zod';

/**
 * Failures injected on demand, so tests can see how sellersync copes with Amazon misbehaving. A fault
 * applies to one operation (or every one with `*`) for its next `count` calls.
 */
export const FAULT_KINDS = [
  'throttle',
  'server-error',
  'slow',
  // The call is carried out, then answered only after delayMs: it reached Amazon, the caller does not know yet.
  'slow-answer',
  'drop-connection',
  'truncate-download',
  // The first half of a document at once, the rest after delayMs: a transfer that crawls.
  'stall-download',
  // A paginated searchOrders call answers the page before the one asked for again, under a new token that
  // leads on to the page asked for: the same orders twice, as Amazon sometimes pages.
  'page-repeated',
  // A paginated searchOrders call is refused as Amazon refuses an expired or unknown token (400 InvalidInput).
  'token-rejected',
] as const;

export const faultSchema = z
  .object({
    kind: z.enum(FAULT_KINDS),
    operation: z.string().min(1).default('*'),
    count: z.number().int().min(1).max(10_000).default(1),
    status: z.union([z.literal(500), z.literal(503)]).default(503),
    delayMs: z.number().int().min(0).max(600_000).default(5_000),
  })
  .strict();

export type Fault = z.infer<typeof faultSchema>;

/**
 * Marks on what is created or processed next: a report that never leaves IN_QUEUE, one that is taken up
 * and never leaves IN_PROGRESS, one that ends FATAL, a feed that ends FATAL, a seller cancellation message
 * Amazon refuses (an Error result; sent again later, it may pass), a listings feed message Amazon finds
 * invalid (an ERROR issue).
 */
export const STICKY_FAULT_KINDS = [
  'report-stuck',
  'report-stuck-in-progress',
  'report-fatal',
  'feed-fatal',
  'cancel-refused',
  'listing-invalid',
] as const;
export type StickyFaultKind = (typeof STICKY_FAULT_KINDS)[number];

export const stickyFaultSchema = z
  .object({
    kind: z.enum(STICKY_FAULT_KINDS),
    count: z.number().int().min(1).max(10_000).default(1),
  })
  .strict();

/**
 * Amazon's order search lagging behind its orders: a change is found by searchOrders and the orders
 * reports only `lagMs` after it was made (Amazon's 2-minute rule for `lastUpdatedBefore` allows for a short
 * lag; this makes it longer). Until then the order is not found at all.
 */
export const visibilityLagSchema = z
  .object({
    kind: z.literal('late-visible'),
    lagMs: z.number().int().min(0).max(86_400_000),
  })
  .strict();

export class Faults {
  private readonly pending: Fault[] = [];
  /** How long after a change an order is found by searches (late-visible); 0 when they are current. */
  visibilityLagMs = 0;
  private readonly sticky: Record<StickyFaultKind, number> = {
    'report-stuck': 0,
    'report-stuck-in-progress': 0,
    'report-fatal': 0,
    'feed-fatal': 0,
    'cancel-refused': 0,
    'listing-invalid': 0,
  };

  add(fault: Fault): void {
    this.pending.push({ ...fault });
  }

  addSticky(kind: StickyFaultKind, count: number): void {
    this.sticky[kind] += count;
  }

  /** The first fault that applies to this call, used up by one. */
  take(operation: string, kinds: readonly Fault['kind'][] = FAULT_KINDS): Fault | undefined {
    const index = this.pending.findIndex(
      (fault) => (fault.operation === '*' || fault.operation === operation) && kinds.includes(fault.kind),
    );
    const fault = this.pending[index];
    if (fault === undefined) return undefined;
    fault.count -= 1;
    if (fault.count === 0) this.pending.splice(index, 1);
    return fault;
  }

  takeSticky(kind: StickyFaultKind): boolean {
    if (this.sticky[kind] === 0) return false;
    this.sticky[kind] -= 1;
    return true;
  }

  /** Whether an order's latest change is found by searches made at `now`. */
  isSearchable(order: { lastUpdatedTime: Date }, now: Date): boolean {
    return order.lastUpdatedTime.getTime() <= now.getTime() - this.visibilityLagMs;
  }

  clear(): void {
    this.pending.length = 0;
    this.visibilityLagMs = 0;
    for (const kind of STICKY_FAULT_KINDS) this.sticky[kind] = 0;
  }

  list(): { pending: Fault[]; sticky: Record<string, number>; visibilityLagMs: number } {
    return {
      pending: this.pending.map((fault) => ({ ...fault })),
      sticky: { ...this.sticky },
      visibilityLagMs: this.visibilityLagMs,
    };
  }
}
