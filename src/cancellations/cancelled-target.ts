/**
 * How many units of an item are cancelled once Amazon accepts a cancellation line. Amazon's own copy of
 * the order (read by the order download) may already count the line, or not yet: adding the line's
 * units to whatever is stored would count it twice when the download came first. Instead the line
 * raises the item to at least what was cancelled when it was requested, plus its own units, plus the
 * units of every other accepted line of the item that the count then did not include yet.
 */

export interface AcceptedLine {
  cancellationId: number;
  orderItemRowId: number;
  quantity: number;
  /** Units already cancelled when the line was requested; null for lines recorded before this was kept. */
  cancelledBefore: number | null;
  requestedAt: Date;
  /** When Amazon's acceptance was applied; null for the lines being accepted now. */
  acceptedAt: Date | null;
}

export interface CancelledTarget {
  orderItemRowId: number;
  /** The item's cancelled quantity is raised to at least this. */
  atLeast: number;
  /** Units of lines without a baseline (recorded before it was kept): added as they are. */
  added: number;
}

/** Targets per item for the lines accepted now (`acceptedNow`), given every accepted line of those items. */
export function cancelledTargets(acceptedNow: Set<number>, lines: AcceptedLine[]): CancelledTarget[] {
  const byItem = new Map<number, CancelledTarget>();
  for (const line of lines.filter((l) => acceptedNow.has(l.cancellationId))) {
    const target = byItem.get(line.orderItemRowId) ?? {
      orderItemRowId: line.orderItemRowId,
      atLeast: 0,
      added: 0,
    };
    if (line.cancelledBefore === null) target.added += line.quantity;
    else {
      const notCountedThen = lines.filter(
        (other) =>
          other.orderItemRowId === line.orderItemRowId &&
          other.cancellationId !== line.cancellationId &&
          (other.acceptedAt === null || other.acceptedAt >= line.requestedAt),
      );
      const atLeast =
        line.cancelledBefore + line.quantity + notCountedThen.reduce((sum, other) => sum + other.quantity, 0);
      target.atLeast = Math.max(target.atLeast, atLeast);
    }
    byItem.set(line.orderItemRowId, target);
  }
  return [...byItem.values()];
}
