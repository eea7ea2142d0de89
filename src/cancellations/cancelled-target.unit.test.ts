import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cancelledTargets, type AcceptedLine } from './cancelled-target.js';

const T0 = Date.UTC(2026, 10, 1);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function line(
  id: number,
  quantity: number,
  before: number | null,
  requested: number,
  accepted: number | null,
) {
  return {
    cancellationId: id,
    orderItemRowId: 7,
    quantity,
    cancelledBefore: before,
    requestedAt: at(requested),
    acceptedAt: accepted === null ? null : at(accepted),
  } satisfies AcceptedLine;
}

describe('cancelledTargets', () => {
  it('raises the item to what was cancelled at the request plus the line, not on top of a download', () => {
    expect(cancelledTargets(new Set([1]), [line(1, 2, 1, 0, null)])).toEqual([
      { orderItemRowId: 7, atLeast: 3, added: 0 },
    ]);
  });

  it('counts the lines accepted after this one was requested, and those accepted with it', () => {
    const lines = [line(1, 1, 0, 0, 5), line(2, 1, 0, 1, null), line(3, 2, 0, 2, null)];
    expect(cancelledTargets(new Set([2, 3]), lines)).toEqual([{ orderItemRowId: 7, atLeast: 4, added: 0 }]);
  });

  it('adds the units of lines recorded without a baseline', () => {
    expect(cancelledTargets(new Set([1]), [line(1, 2, null, 0, null)])).toEqual([
      { orderItemRowId: 7, atLeast: 0, added: 2 },
    ]);
  });

  it('law: cancellations accepted one after another reach the sum of their units, whatever the order applied', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), (quantities) => {
        // Each is requested after the previous one was accepted: its baseline is the count by then.
        let cancelled = 0;
        const accepted: AcceptedLine[] = [];
        quantities.forEach((quantity, i) => {
          const current = line(i + 1, quantity, cancelled, i * 10, null);
          const [target] = cancelledTargets(new Set([i + 1]), [...accepted, current]);
          // A download may already have counted it (cancelled + quantity) or not (cancelled).
          for (const stored of [cancelled, cancelled + quantity])
            expect(Math.max(stored + target!.added, target!.atLeast)).toBe(cancelled + quantity);
          cancelled += quantity;
          accepted.push({ ...current, acceptedAt: at(i * 10 + 5) });
        });
        expect(cancelled).toBe(quantities.reduce((a, b) => a + b, 0));
      }),
    );
  });
});
