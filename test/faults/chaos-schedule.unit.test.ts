import { describe, expect, it } from 'vitest';
import { CHAOS_FAULTS, drawSchedule } from './chaos-schedule.js';
import { chaosResult, classify } from './chaos-run.js';

describe('the chaos schedule', () => {
  it('is the same for the same seed and differs between seeds', () => {
    expect(drawSchedule(7, 30_000)).toEqual(drawSchedule(7, 30_000));
    expect(drawSchedule(7, 30_000)).not.toEqual(drawSchedule(8, 30_000));
  });

  it('draws faults of the matrix within the window, in time order, about one per mean gap', () => {
    const schedule = drawSchedule(3, 300_000, { meanGapMs: 3_000, companies: 20 });
    expect(schedule.length).toBeGreaterThan(60);
    expect(schedule.length).toBeLessThan(150);
    expect(schedule.every((fault) => fault.atMs >= 0 && fault.atMs < 300_000)).toBe(true);
    expect(schedule.map((fault) => fault.atMs)).toEqual(
      [...schedule.map((fault) => fault.atMs)].sort((a, b) => a - b),
    );
    expect(new Set(schedule.map((fault) => fault.kind)).size).toBe(CHAOS_FAULTS.length);
    expect(schedule.filter((f) => f.kind.startsWith('daemon-')).every((f) => f.target < 2)).toBe(true);
  });

  it('counts a missing thing as lost and a thing twice as doubled', () => {
    expect(classify({ invariant: 'orders', detail: '111-1 stored 0 times' })).toBe('lost');
    expect(classify({ invariant: 'shipments', detail: 'shipment 3 sent 2 times' })).toBe('doubled');
    expect(classify({ invariant: 'shipments', detail: 'shipment 3: 2 packages on Amazon' })).toBe('doubled');
    expect(classify({ invariant: 'cursors', detail: 'company 1 orders.committedUntil moved back' })).toBe(
      'other',
    );
  });

  it('prints the fields asked for, in order, lost and doubled counted from the violations', () => {
    const line = chaosResult(
      { seed: 4, simulatedMinutes: 30, schedule: drawSchedule(4, 30_000) },
      {
        counts: { orders: 120, shipments: 40, cancellations: 12, refunds: 5, settlements: 3 },
        violations: [
          { invariant: 'orders', detail: '111-1 stored 0 times' },
          { invariant: 'shipments', detail: 'shipment 3 sent 2 times' },
          { invariant: 'cursors', detail: 'company 1 orders.committedUntil moved back' },
        ],
      },
    );
    expect(Object.keys(line)).toEqual([
      'seed',
      'simulated_minutes',
      'faults',
      'orders',
      'shipments',
      'cancellations',
      'refunds',
      'lost',
      'doubled',
      'violations',
    ]);
    expect(line).toMatchObject({ seed: 4, faults: drawSchedule(4, 30_000).length, lost: 1, doubled: 1 });
    expect(line.violations).toEqual([
      'orders: 111-1 stored 0 times',
      'shipments: shipment 3 sent 2 times',
      'cursors: company 1 orders.committedUntil moved back',
    ]);
  });
});
