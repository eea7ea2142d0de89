/**
 * Amazon's CarrierCode list (amzn-base.xsd, release_4_1). A carrier outside it is sent as CarrierName,
 * with carrier_code `Other` kept locally.
 */
export const CARRIER_CODES = [
  'USPS',
  'UPS',
  'UPSMI',
  'FedEx',
  'DHL',
  'Fastway',
  'GLS',
  'GO!',
  'Hermes Logistik Gruppe',
  'Royal Mail',
  'Parcelforce',
  'City Link',
  'TNT',
  'Target',
  'SagawaExpress',
  'NipponExpress',
  'YamatoTransport',
  'DHL Global Mail',
  'UPS Mail Innovations',
  'FedEx SmartPost',
  'OSM',
  'OnTrac',
  'Streamlite',
  'Newgistics',
  'Canada Post',
  'Blue Package',
  'Chronopost',
  'Deutsche Post',
  'DPD',
  'La Poste',
  'Parcelnet',
  'Poste Italiane',
  'SDA',
  'Smartmail',
  'FEDEX_JP',
  'JP_EXPRESS',
  'NITTSU',
  'SAGAWA',
  'YAMATO',
  'BlueDart',
  'AFL/Fedex',
  'Aramex',
  'India Post',
  'Professional',
  'DTDC',
  'Overnite Express',
  'First Flight',
  'Delhivery',
  'Lasership',
  'Yodel',
  'Other',
  'Amazon Shipping',
  'Seur',
  'Correos',
  'MRW',
  'Endopack',
  'Chrono Express',
  'Nacex',
  'Otro',
  'Correios',
  'Toll Global Express',
  'China Post',
  'AUSSIE_POST',
  'EUB',
  'Australia Post',
  'Yun Express',
  '4PX',
  'YANWEN',
  'SF Express',
] as const;

export type CarrierCode = (typeof CARRIER_CODES)[number];

export interface Carrier {
  code: string;
  /** Set only for `Other`: the carrier's own name, sent as CarrierName. */
  name: string | null;
}

const BY_LOWER_CASE = new Map<string, string>(CARRIER_CODES.map((code) => [code.toLowerCase(), code]));

/** Amazon's code for a carrier typed by a person (any case), or `Other` with the name as typed. */
export function resolveCarrier(input: string, name?: string): Carrier {
  const code = BY_LOWER_CASE.get(input.trim().toLowerCase());
  if (code === 'Other' || code === 'Otro') return { code: 'Other', name: (name ?? '').trim() || null };
  if (code) return { code, name: null };
  return { code: 'Other', name: input.trim() };
}

/**
 * Tracking number formats of the carriers whose numbers have a published shape. A number that does not
 * match is refused: a typo here costs the seller valid-tracking rate.
 */
const TRACKING_FORMATS: Record<string, { pattern: RegExp; example: string }> = {
  UPS: { pattern: /^(1Z[0-9A-Z]{16}|T\d{10}|\d{9}|\d{26})$/, example: '1Z999AA10123456784' },
  USPS: {
    pattern: /^(\d{20}|\d{22}|\d{26}|\d{30}|\d{34}|[A-Z]{2}\d{9}US)$/,
    example: '9400111899223197428490',
  },
  FedEx: { pattern: /^(\d{12}|\d{15}|\d{20}|\d{22}|\d{34})$/, example: '123456789012' },
  DHL: { pattern: /^(\d{10,11}|JJD\d{16,18}|[A-Z]{2}\d{9}[A-Z]{2})$/, example: '1234567890' },
  'Royal Mail': { pattern: /^[A-Z]{2}\d{9}GB$/, example: 'AB123456789GB' },
  'Canada Post': { pattern: /^(\d{12}|\d{16}|[A-Z]{2}\d{9}CA)$/, example: '1234567890123456' },
  'Amazon Shipping': { pattern: /^TBA\d{12}$/, example: 'TBA123456789012' },
  'Australia Post': { pattern: /^([A-Z0-9]{10,13}|[A-Z]{2}\d{9}AU)$/, example: 'AB123456789AU' },
};

/** Spaces and dashes people type inside numbers are dropped for carriers with a known format. */
export function normalizeTracking(carrierCode: string, tracking: string): string {
  const trimmed = tracking.trim();
  return TRACKING_FORMATS[carrierCode] ? trimmed.replace(/[\s-]/g, '').toUpperCase() : trimmed;
}

/** Null when the tracking number is acceptable for the carrier, else what is wrong with it. */
export function trackingProblem(carrierCode: string, tracking: string): string | null {
  if (tracking.length === 0) return 'must not be empty';
  if (tracking.length > 50) return 'must be at most 50 characters';
  const format = TRACKING_FORMATS[carrierCode];
  if (format && !format.pattern.test(tracking)) {
    return `"${tracking}" is not a ${carrierCode} tracking number (e.g. ${format.example})`;
  }
  return null;
}

/** Whether a number has the carrier's published shape (used by the valid tracking rate). */
export function hasKnownTrackingFormat(carrierCode: string): boolean {
  return carrierCode in TRACKING_FORMATS;
}
