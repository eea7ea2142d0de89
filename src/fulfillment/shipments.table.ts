import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * A shipment (one package) from recording to Amazon's verdict:
 *   pending_upload  recorded, waiting for the next upload (also after a failed feed, with retry_after)
 *   uploading       part of a feed that has not finished
 *   confirmed       Amazon accepted it
 *   rejected        Amazon rejected it (result_code / result_message); the user fixes and re-queues it
 *   voided          never to be sent (the order was cancelled before upload; void_reason says why)
 */
export const SHIPMENT_STATES = ['pending_upload', 'uploading', 'confirmed', 'rejected', 'voided'] as const;
export type ShipmentState = (typeof SHIPMENT_STATES)[number];

export const SHIPMENT_TRANSITIONS: Record<ShipmentState, readonly ShipmentState[]> = {
  pending_upload: ['uploading', 'voided'],
  uploading: ['confirmed', 'rejected', 'pending_upload'],
  confirmed: [],
  rejected: ['pending_upload', 'voided'],
  voided: [],
};

export function shipmentStatesLeadingTo(to: ShipmentState): ShipmentState[] {
  return SHIPMENT_STATES.filter((from) => SHIPMENT_TRANSITIONS[from].includes(to));
}

export interface ShipFromAddress {
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface ShipmentsTable {
  id: Generated<number>;
  company_id: number;
  order_id: number;
  amazon_order_id: string;
  marketplace_id: string;
  /** One of Amazon's CarrierCode values, or `Other` with carrier_name. */
  carrier_code: string;
  carrier_name: string | null;
  shipping_method: string | null;
  tracking_number: string;
  ship_date: Date;
  ship_from: ColumnType<ShipFromAddress, string, string>;
  state: Defaulted<ShipmentState>;
  feed_id: number | null;
  upload_attempts: Defaulted<number>;
  retry_after: Date | null;
  last_error: string | null;
  result_code: string | null;
  result_message: string | null;
  void_reason: string | null;
  confirmed_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: Defaulted<Date>;
}

export interface ShipmentItemsTable {
  shipment_id: number;
  order_item_row_id: number;
  order_item_id: string;
  quantity: number;
}

/** The company's default ship-from address, kept on companies. */
export interface CompanyShipFromColumns {
  ship_from_name: ColumnType<string | null, string | null | undefined, string | null>;
  ship_from_line1: ColumnType<string | null, string | null | undefined, string | null>;
  ship_from_line2: ColumnType<string | null, string | null | undefined, string | null>;
  ship_from_city: ColumnType<string | null, string | null | undefined, string | null>;
  ship_from_state: ColumnType<string | null, string | null | undefined, string | null>;
  ship_from_postal_code: ColumnType<string | null, string | null | undefined, string | null>;
  ship_from_country: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ShipmentRow = Selectable<ShipmentsTable>;
export type NewShipmentRow = Insertable<ShipmentsTable>;
export type ShipmentRowUpdate = Updateable<ShipmentsTable>;
export type ShipmentItemRow = Selectable<ShipmentItemsTable>;
