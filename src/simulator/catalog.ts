import type { SimAddress } from './model.js';

/** The simulated seller's products and the buyers who order them (invented data). */
export const CATALOG = [
  { sku: 'MUG-CERAMIC-WHT', asin: 'B0SIM00001', title: 'Ceramic Coffee Mug, 12 oz, White', priceCents: 1499 },
  { sku: 'MUG-ENGRAVED', asin: 'B0SIM00002', title: 'Personalised Engraved Mug', priceCents: 2499 },
  {
    sku: 'TEE-ORG-M-BLK',
    asin: 'B0SIM00003',
    title: 'Organic Cotton T-Shirt, Medium, Black',
    priceCents: 1999,
  },
  {
    sku: 'BOTTLE-STEEL-750',
    asin: 'B0SIM00004',
    title: 'Insulated Steel Water Bottle 750 ml',
    priceCents: 2899,
  },
  { sku: 'NOTEBOOK-A5-DOT', asin: 'B0SIM00005', title: 'A5 Dotted Notebook, Hardcover', priceCents: 1299 },
  { sku: 'CABLE-USBC-2M', asin: 'B0SIM00006', title: 'USB-C Charging Cable, 2 m', priceCents: 999 },
  { sku: 'LAMP-DESK-LED', asin: 'B0SIM00007', title: 'LED Desk Lamp with Dimmer', priceCents: 4599 },
  { sku: 'BOARD-CUTTING-OAK', asin: 'B0SIM00008', title: 'Oak Cutting Board, Large', priceCents: 3999 },
] as const;

export const CUSTOMIZABLE_SKU = 'MUG-ENGRAVED';

export const BUYER_NAMES = [
  'Alex Morgan',
  'Jordan Lee',
  'Sam Patel',
  'Taylor Kim',
  'Casey Novak',
  'Riley Chen',
  'Jamie Ortiz',
  'Morgan Diaz',
] as const;

export const COMPANIES = ['Northwind Traders LLC', 'Contoso Supplies Inc', 'Fabrikam Office Co'] as const;

export const ADDRESSES: Omit<SimAddress, 'name' | 'phone' | 'addressType'>[] = [
  {
    addressLine1: '410 Terry Ave N',
    city: 'Seattle',
    stateOrRegion: 'WA',
    postalCode: '98109',
    countryCode: 'US',
  },
  {
    addressLine1: '1600 Amphitheatre Pkwy',
    city: 'Mountain View',
    stateOrRegion: 'CA',
    postalCode: '94043',
    countryCode: 'US',
  },
  {
    addressLine1: '350 5th Ave',
    city: 'New York',
    stateOrRegion: 'NY',
    postalCode: '10118',
    countryCode: 'US',
  },
  {
    addressLine1: '233 S Wacker Dr',
    city: 'Chicago',
    stateOrRegion: 'IL',
    postalCode: '60606',
    countryCode: 'US',
  },
  { addressLine1: '1 Main St', city: 'Austin', stateOrRegion: 'TX', postalCode: '78701', countryCode: 'US' },
];

export const CANCEL_REASONS = {
  buyer: ['Changed mind about purchase', 'Found a better price', 'Ordered by mistake'],
  amazon: ['Payment could not be authorized', 'Order did not pass fraud review'],
} as const;
