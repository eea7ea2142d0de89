import type { Selectable } from 'kysely';

/** A Checkout by Amazon order skipped while the company did not import them, until it is imported. */
export interface SkippedCheckoutByAmazonOrdersTable {
  company_id: number;
  amazon_order_id: string;
  /** Amazon's lastUpdatedTime of the newest copy skipped. */
  last_updated_at: Date;
  skipped_at: Date;
  /** Where it was last skipped: `searchOrders:<window start>#<page>` or `report:<reportId>`. */
  source: string;
}

export type SkippedCheckoutByAmazonOrderRow = Selectable<SkippedCheckoutByAmazonOrdersTable>;
