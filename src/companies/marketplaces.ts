import type { Region } from './companies.table.js';

/** Amazon's marketplaces and the SP-API region serving each (shared/amazon/REFERENCE.md §2). */
export const MARKETPLACE_REGIONS: Readonly<Record<string, { country: string; region: Region }>> = {
  A2EUQ1WTGCTBG2: { country: 'CA', region: 'na' },
  ATVPDKIKX0DER: { country: 'US', region: 'na' },
  A1AM78C64UM0Y8: { country: 'MX', region: 'na' },
  A2Q3Y263D00KWC: { country: 'BR', region: 'na' },
  A28R8C7NBKEWEA: { country: 'IE', region: 'eu' },
  A1RKKUPIHCS9HS: { country: 'ES', region: 'eu' },
  A1F83G8C2ARO7P: { country: 'UK', region: 'eu' },
  A13V1IB3VIYZZH: { country: 'FR', region: 'eu' },
  AMEN7PMS3EDWL: { country: 'BE', region: 'eu' },
  A1805IZSGTT6HS: { country: 'NL', region: 'eu' },
  A1PA6795UKMFR9: { country: 'DE', region: 'eu' },
  APJ6JRA9NG5V4: { country: 'IT', region: 'eu' },
  A2NODRKZP88ZB9: { country: 'SE', region: 'eu' },
  AE08WJ6YKNBMC: { country: 'ZA', region: 'eu' },
  A1C3SOZRARQ6R3: { country: 'PL', region: 'eu' },
  ARBP9OOSHTCHU: { country: 'EG', region: 'eu' },
  A33AVAJ2PDY3EV: { country: 'TR', region: 'eu' },
  A17E79C6D8DWNP: { country: 'SA', region: 'eu' },
  A2VIGQ35RCS4UG: { country: 'AE', region: 'eu' },
  A21TJRUUN4KGV: { country: 'IN', region: 'eu' },
  A19VAU5U5O7RUS: { country: 'SG', region: 'fe' },
  A39IBJ37TRP1C6: { country: 'AU', region: 'fe' },
  A1VC38T7YXB528: { country: 'JP', region: 'fe' },
};

/**
 * What is wrong with these marketplaces for a company of this region: each one of another region, named
 * with the region it belongs to, and each one Amazon does not have; null when all belong.
 */
export function marketplaceRegionProblem(region: Region, marketplaceIds: readonly string[]): string | null {
  const problems = marketplaceIds.flatMap((id) => {
    const known = MARKETPLACE_REGIONS[id];
    if (!known) return [`${id} is not an Amazon marketplace id`];
    return known.region === region ? [] : [`${id} (${known.country}) belongs to region ${known.region}`];
  });
  return problems.length === 0 ? null : `marketplaceIds: ${problems.join('; ')}, not ${region}`;
}
