/** Amazon's AdjustmentReason values, exactly as OrderAdjustment.xsd lists them (all 18). */
export const ADJUSTMENT_REASONS = [
  'NoInventory',
  'CustomerReturn',
  'GeneralAdjustment',
  'CouldNotShip',
  'DifferentItem',
  'Abandoned',
  'CustomerCancel',
  'PriceError',
  'ProductOutofStock',
  'CustomerAddressIncorrect',
  'Exchange',
  'Other',
  'CarrierCreditDecision',
  'RiskAssessmentInformationNotValid',
  'CarrierCoverageFailure',
  'TransactionRecord',
  'Undeliverable',
  'RefusedDelivery',
] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** The ItemPriceAdjustments Component Type values of OrderAdjustment.xsd (all 16). */
export const ADJUSTMENT_COMPONENTS = [
  'Principal',
  'Shipping',
  'Tax',
  'ShippingTax',
  'RestockingFee',
  'RestockingFeeTax',
  'GiftWrap',
  'GiftWrapTax',
  'Surcharge',
  'ReturnShipping',
  'Goodwill',
  'ExportCharge',
  'COD',
  'CODTax',
  'Other',
  'FreeReplacementReturnShipping',
] as const;
export type AdjustmentComponent = (typeof ADJUSTMENT_COMPONENTS)[number];

/**
 * The components the buyer paid for on each line: each has its own balance, never refunded past what was
 * charged. The others (Goodwill, ReturnShipping, …) give back money beyond a line's charges and are
 * bounded by what is left of the whole order.
 */
export const CHARGED_COMPONENTS = [
  'Principal',
  'Tax',
  'Shipping',
  'ShippingTax',
  'GiftWrap',
  'GiftWrapTax',
] as const;
export type ChargedComponent = (typeof CHARGED_COMPONENTS)[number];

/** The one component that charges the buyer: written negative, it lowers the refund. */
export const RESTOCKING_FEE: AdjustmentComponent = 'RestockingFee';

/** Tax components Amazon refuses where prices include tax: fold them into Principal (or Shipping) instead. */
export const TAX_COMPONENTS: readonly AdjustmentComponent[] = ['Tax', 'ShippingTax', 'GiftWrapTax'];

export function isAdjustmentReason(value: string): value is AdjustmentReason {
  return (ADJUSTMENT_REASONS as readonly string[]).includes(value);
}

export function isAdjustmentComponent(value: string): value is AdjustmentComponent {
  return (ADJUSTMENT_COMPONENTS as readonly string[]).includes(value);
}

export function isChargedComponent(value: string): value is ChargedComponent {
  return (CHARGED_COMPONENTS as readonly string[]).includes(value);
}

/** Marketplaces whose prices include tax, where Amazon refuses a separate Tax component (Amazon.co.jp). */
const TAX_INCLUSIVE_MARKETPLACES = new Set(['A1VC38T7YXB528']);

export function pricesIncludeTax(marketplaceId: string | null): boolean {
  return marketplaceId !== null && TAX_INCLUSIVE_MARKETPLACES.has(marketplaceId);
}
