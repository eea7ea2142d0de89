import type { Region } from './companies.table.js';

/**
 * Amazon's marketplaces, the SP-API region serving each (shared/amazon/REFERENCE.md §2) and the time zone
 * a company selling there gets unless it names its own (the country's main zone).
 */
export const MARKETPLACE_REGIONS: Readonly<
  Record<string, { country: string; region: Region; timeZone: string }>
> = {
  A2EUQ1WTGCTBG2: { country: 'CA', region: 'na', timeZone: 'America/Toronto' },
  ATVPDKIKX0DER: { country: 'US', region: 'na', timeZone: 'America/Los_Angeles' },
  A1AM78C64UM0Y8: { country: 'MX', region: 'na', timeZone: 'America/Mexico_City' },
  A2Q3Y263D00KWC: { country: 'BR', region: 'na', timeZone: 'America/Sao_Paulo' },
  A28R8C7NBKEWEA: { country: 'IE', region: 'eu', timeZone: 'Europe/Dublin' },
  A1RKKUPIHCS9HS: { country: 'ES', region: 'eu', timeZone: 'Europe/Madrid' },
  A1F83G8C2ARO7P: { country: 'UK', region: 'eu', timeZone: 'Europe/London' },
  A13V1IB3VIYZZH: { country: 'FR', region: 'eu', timeZone: 'Europe/Paris' },
  AMEN7PMS3EDWL: { country: 'BE', region: 'eu', timeZone: 'Europe/Brussels' },
  A1805IZSGTT6HS: { country: 'NL', region: 'eu', timeZone: 'Europe/Amsterdam' },
  A1PA6795UKMFR9: { country: 'DE', region: 'eu', timeZone: 'Europe/Berlin' },
  APJ6JRA9NG5V4: { country: 'IT', region: 'eu', timeZone: 'Europe/Rome' },
  A2NODRKZP88ZB9: { country: 'SE', region: 'eu', timeZone: 'Europe/Stockholm' },
  AE08WJ6YKNBMC: { country: 'ZA', region: 'eu', timeZone: 'Africa/Johannesburg' },
  A1C3SOZRARQ6R3: { country: 'PL', region: 'eu', timeZone: 'Europe/Warsaw' },
  ARBP9OOSHTCHU: { country: 'EG', region: 'eu', timeZone: 'Africa/Cairo' },
  A33AVAJ2PDY3EV: { country: 'TR', region: 'eu', timeZone: 'Europe/Istanbul' },
  A17E79C6D8DWNP: { country: 'SA', region: 'eu', timeZone: 'Asia/Riyadh' },
  A2VIGQ35RCS4UG: { country: 'AE', region: 'eu', timeZone: 'Asia/Dubai' },
  A21TJRUUN4KGV: { country: 'IN', region: 'eu', timeZone: 'Asia/Kolkata' },
  A19VAU5U5O7RUS: { country: 'SG', region: 'fe', timeZone: 'Asia/Singapore' },
  A39IBJ37TRP1C6: { country: 'AU', region: 'fe', timeZone: 'Australia/Sydney' },
  A1VC38T7YXB528: { country: 'JP', region: 'fe', timeZone: 'Asia/Tokyo' },
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

/** The time zone of a company's first marketplace, for reading the local dates and times it is given. */
export function defaultTimeZone(marketplaceIds: readonly string[]): string {
  const first = marketplaceIds[0];
  return (first === undefined ? undefined : MARKETPLACE_REGIONS[first]?.timeZone) ?? 'UTC';
}
