import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JOB_KINDS } from './kinds.js';
import { scheduleOffsetMs } from './schedules.js';

describe('schedule offsets', () => {
  it('fall within the interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(...JOB_KINDS),
        fc.integer({ min: 1, max: 1440 }),
        (companyId, kind, minutes) => {
          const offset = scheduleOffsetMs(companyId, kind, minutes * 60_000);
          return Number.isInteger(offset) && offset >= 0 && offset < minutes * 60_000;
        },
      ),
    );
  });

  it('spread a thousand companies evenly: every tenth of the interval holds 8-12 % of them', () => {
    const every = 30 * 60_000;
    for (const kind of JOB_KINDS) {
      const tenths = Array.from({ length: 10 }, () => 0);
      for (let companyId = 1; companyId <= 1000; companyId++) {
        const tenth = Math.floor((scheduleOffsetMs(companyId, kind, every) / every) * 10);
        tenths[tenth] = (tenths[tenth] ?? 0) + 1;
      }
      expect(Math.min(...tenths)).toBeGreaterThanOrEqual(80);
      expect(Math.max(...tenths)).toBeLessThanOrEqual(120);
    }
  });

  it('put no two of the first thousand companies within 0.7 s of each other at the default interval (1.8 s apart if even)', () => {
    const every = 30 * 60_000;
    const offsets = Array.from({ length: 1000 }, (_, index) =>
      scheduleOffsetMs(index + 1, 'order-download', every),
    ).sort((a, b) => a - b);
    const gaps = offsets.slice(1).map((offset, index) => offset - (offsets[index] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(700);
  });
});
