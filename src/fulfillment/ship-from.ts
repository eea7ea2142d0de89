import { describeIssues } from '../companies/companies.schema.js';
import type { Db } from '../db/client.js';
import { NotFoundError, UsageError } from '../shared/errors.js';
import { shipFromSchema, type ShipFromInput } from './shipment-input.js';
import type { ShipFromAddress } from './shipments.table.js';

/** The company's default ship-from address (all nulls when none is set). */
export async function getDefaultShipFrom(db: Db, companyId: number): Promise<ShipFromAddress> {
  const row = await db
    .selectFrom('companies')
    .select([
      'ship_from_name',
      'ship_from_line1',
      'ship_from_line2',
      'ship_from_city',
      'ship_from_state',
      'ship_from_postal_code',
      'ship_from_country',
    ])
    .where('id', '=', companyId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`company ${companyId} not found`);
  return {
    name: row.ship_from_name,
    line1: row.ship_from_line1,
    line2: row.ship_from_line2,
    city: row.ship_from_city,
    state: row.ship_from_state,
    postalCode: row.ship_from_postal_code,
    country: row.ship_from_country,
  };
}

/** Sets (or changes part of) the company's default ship-from address. */
export async function setDefaultShipFrom(
  db: Db,
  companyId: number,
  input: unknown,
): Promise<ShipFromAddress> {
  const parsed = shipFromSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`invalid ship-from address: ${describeIssues(parsed.error)}`);
  const values: ShipFromInput = parsed.data;
  if (Object.keys(values).length === 0)
    throw new UsageError('nothing to change: give at least one --ship-from-* option');
  const changes = Object.fromEntries(
    Object.entries({
      ship_from_name: values.name,
      ship_from_line1: values.line1,
      ship_from_line2: values.line2,
      ship_from_city: values.city,
      ship_from_state: values.state,
      ship_from_postal_code: values.postalCode,
      ship_from_country: values.country,
    }).filter(([, value]) => value !== undefined),
  );
  const result = await db
    .updateTable('companies')
    .set(changes)
    .where('id', '=', companyId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`company ${companyId} not found`);
  return getDefaultShipFrom(db, companyId);
}

/** The address a shipment leaves from: the given fields over the company default; line1, city and country required. */
export function mergeShipFrom(fallback: ShipFromAddress, given: ShipFromInput | undefined): ShipFromAddress {
  const merged: ShipFromAddress = {
    name: given?.name ?? fallback.name,
    line1: given?.line1 ?? fallback.line1,
    line2: given?.line2 ?? fallback.line2,
    city: given?.city ?? fallback.city,
    state: given?.state ?? fallback.state,
    postalCode: given?.postalCode ?? fallback.postalCode,
    country: given?.country ?? fallback.country,
  };
  const missing = (['line1', 'city', 'country'] as const).filter((field) => !merged[field]);
  if (missing.length > 0) {
    throw new UsageError(
      `no ship-from ${missing.join(', ')}: give --ship-from-${missing[0] === 'line1' ? 'line1' : missing[0]} or set the company default with \`sellersync shipments ship-from\``,
    );
  }
  return merged;
}
