import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateChart } from './rate-chart.js';

const numbers = (svg: string, pattern: RegExp) => [...svg.matchAll(pattern)].map((m) => Number(m[1]));

describe('the account health chart', () => {
  it('draws every measured day, and the threshold, inside its box; a day with nothing to measure is left out', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.constantFrom(0.04, 0.95, 0.025),
        (rates, threshold) => {
          const points = rates.map((rate, i) => ({ at: new Date(Date.UTC(2026, 10, 1 + i)), rate }));
          const svg = rateChart(points, threshold, 'late shipment').text;
          const ys = numbers(svg, /cy="([\d.]+)"/g);
          expect(ys).toHaveLength(rates.filter((r) => r !== null).length);
          const [thresholdY] = numbers(svg, /y1="([\d.]+)"/g);
          for (const y of [...ys, thresholdY!]) {
            expect(y).toBeGreaterThanOrEqual(0);
            expect(y).toBeLessThanOrEqual(48);
          }
        },
      ),
    );
  });

  it('puts a rate above the threshold higher on the chart than the threshold line', () => {
    const at = new Date(Date.UTC(2026, 10, 20));
    const svg = rateChart([{ at, rate: 0.06 }], 0.04, 'late shipment').text;
    const [y] = numbers(svg, /cy="([\d.]+)"/g);
    const [thresholdY] = numbers(svg, /y1="([\d.]+)"/g);
    expect(y!).toBeLessThan(thresholdY!);
    expect(svg).toContain('2026-11-20: 6.00 %');
  });
});
