import { describe, expect, it } from 'vitest';
import { normalizeTracking, resolveCarrier, trackingProblem } from './carriers.js';

describe('carriers', () => {
  it('maps typed carriers to Amazon codes in any case, anything else to Other with its name', () => {
    expect(resolveCarrier('ups')).toEqual({ code: 'UPS', name: null });
    expect(resolveCarrier('Royal mail')).toEqual({ code: 'Royal Mail', name: null });
    expect(resolveCarrier('Kurierdienst Müller')).toEqual({ code: 'Other', name: 'Kurierdienst Müller' });
    expect(resolveCarrier('Other', 'Local Courier')).toEqual({ code: 'Other', name: 'Local Courier' });
  });

  it('accepts well-formed numbers of known carriers after dropping spaces, and refuses malformed ones', () => {
    expect(trackingProblem('UPS', normalizeTracking('UPS', '1z 999 aa1 0123456784'))).toBeNull();
    expect(trackingProblem('USPS', normalizeTracking('USPS', '9400 1118 9922 3197 4284 90'))).toBeNull();
    expect(trackingProblem('FedEx', '12345678901')).toMatch(/not a FedEx tracking number/);
    expect(trackingProblem('Royal Mail', 'AB123456789US')).toMatch(/not a Royal Mail tracking number/);
  });

  it('leaves numbers of carriers without a published format as typed, within Amazon’s 50 characters', () => {
    expect(normalizeTracking('Other', ' HX-0042/7 ')).toBe('HX-0042/7');
    expect(trackingProblem('Other', 'HX-0042/7')).toBeNull();
    expect(trackingProblem('Other', 'x'.repeat(51))).toMatch(/at most 50/);
  });
});
