import { AMAZON_REGIONS, type AmazonRegion } from '../amazon/account.js';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export const REGIONS = AMAZON_REGIONS;
export type Region = AmazonRegion;

/** `unverified` until Amazon first accepts the credentials (a token exchange), then `active`. */
export const AUTH_STATUSES = ['unverified', 'active', 'needs_reauthorization'] as const;
export type AuthStatus = (typeof AUTH_STATUSES)[number];

export interface CompaniesTable {
  id: Generated<number>;
  name: string;
  seller_id: string;
  region: Region;
  marketplace_ids: string[];
  /** `live`, `sandbox`, or a base URL every Amazon call of this company goes to. */
  endpoint: string;
  /** IANA time zone in which local dates and times given for the company are read. */
  timezone: string;
  lwa_client_id_enc: string;
  lwa_client_secret_enc: string;
  refresh_token_enc: string;
  auth_status: ColumnType<AuthStatus, AuthStatus | undefined, AuthStatus>;
  auth_status_reason: string | null;
  allow_order_download: ColumnType<boolean, boolean | undefined, boolean>;
  allow_fulfillment_upload: ColumnType<boolean, boolean | undefined, boolean>;
  allow_checkout_by_amazon_orders: ColumnType<boolean, boolean | undefined, boolean>;
  zero_inventory_on_no_stock_cancel: ColumnType<boolean, boolean | undefined, boolean>;
  settlement_reconciliation: ColumnType<boolean, boolean | undefined, boolean>;
  download_interval_minutes: ColumnType<number, number | undefined, number>;
  upload_interval_minutes: ColumnType<number, number | undefined, number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

export type CompanyRow = Selectable<CompaniesTable>;
export type NewCompanyRow = Insertable<CompaniesTable>;
export type CompanyRowUpdate = Updateable<CompaniesTable>;
