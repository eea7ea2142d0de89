import type { Db } from '../db/client.js';
import { bindingOf, decrypt, encrypt, mask, type Keyring } from '../shared/crypto.js';
import { NotFoundError, UsageError } from '../shared/errors.js';
import {
  deleteCompanyRow,
  findCompanyRow,
  insertCompany,
  listCompanyRows,
  markCompanyAuthorized,
  markCompanyNeedsReauthorization,
  updateCompanyRow,
} from './companies.repository.js';
import {
  companyChangesSchema,
  describeIssues,
  newCompanySchema,
  type CompanyChanges,
  type NewCompany,
} from './companies.schema.js';
import { defaultTimeZone, marketplaceRegionProblem } from './marketplaces.js';
import type { AuthStatus, CompanyRow, NewCompanyRow, Region } from './companies.table.js';

/** A company as the rest of sellersync sees it: no secrets. */
export interface Company {
  id: number;
  name: string;
  sellerId: string;
  region: Region;
  marketplaceIds: string[];
  endpoint: string;
  /** IANA time zone in which local dates and times given for the company are read. */
  timeZone: string;
  authStatus: AuthStatus;
  authStatusReason: string | null;
  allowOrderDownload: boolean;
  allowFulfillmentUpload: boolean;
  allowCheckoutByAmazonOrders: boolean;
  zeroInventoryOnNoStockCancel: boolean;
  settlementReconciliation: boolean;
  downloadIntervalMinutes: number;
  uploadIntervalMinutes: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Decrypted credentials, handed only to the Amazon adapter. */
export interface CompanyCredentials {
  lwaClientId: string;
  lwaClientSecret: string;
  refreshToken: string;
}

export function toCompany(row: CompanyRow): Company {
  return {
    id: row.id,
    name: row.name,
    sellerId: row.seller_id,
    region: row.region,
    marketplaceIds: row.marketplace_ids,
    endpoint: row.endpoint,
    timeZone: row.timezone,
    authStatus: row.auth_status,
    authStatusReason: row.auth_status_reason,
    allowOrderDownload: row.allow_order_download,
    allowFulfillmentUpload: row.allow_fulfillment_upload,
    allowCheckoutByAmazonOrders: row.allow_checkout_by_amazon_orders,
    zeroInventoryOnNoStockCancel: row.zero_inventory_on_no_stock_cancel,
    settlementReconciliation: row.settlement_reconciliation,
    downloadIntervalMinutes: row.download_interval_minutes,
    uploadIntervalMinutes: row.upload_interval_minutes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

type CredentialColumn = 'lwa_client_id_enc' | 'lwa_client_secret_enc' | 'refresh_token_enc';
const CREDENTIAL_COLUMNS: Record<keyof CompanyCredentials, CredentialColumn> = {
  lwaClientId: 'lwa_client_id_enc',
  lwaClientSecret: 'lwa_client_secret_enc',
  refreshToken: 'refresh_token_enc',
};

const credentialColumns = () =>
  Object.entries(CREDENTIAL_COLUMNS) as [keyof CompanyCredentials, CredentialColumn][];

/** Credentials encrypted for one company's row: a ciphertext copied to another company does not decrypt. */
function sealCredentials(
  keyring: Keyring,
  companyId: number,
  input: { [field in keyof CompanyCredentials]?: string | undefined },
): Partial<Record<CredentialColumn, string>> {
  const sealed: Partial<Record<CredentialColumn, string>> = {};
  for (const [field, column] of credentialColumns()) {
    const value = input[field];
    if (value !== undefined)
      sealed[column] = encrypt(keyring, value, bindingOf('companies', column, companyId));
  }
  return sealed;
}

function toRowChanges(input: CompanyChanges): Partial<NewCompanyRow> {
  const row: Partial<NewCompanyRow> = {};
  if (input.name !== undefined) row.name = input.name;
  if (input.sellerId !== undefined) row.seller_id = input.sellerId;
  if (input.region !== undefined) row.region = input.region;
  if (input.marketplaceIds !== undefined) row.marketplace_ids = input.marketplaceIds;
  if (input.endpoint !== undefined) row.endpoint = input.endpoint;
  if (input.timeZone !== undefined) row.timezone = input.timeZone;
  if (input.allowOrderDownload !== undefined) row.allow_order_download = input.allowOrderDownload;
  if (input.allowFulfillmentUpload !== undefined) row.allow_fulfillment_upload = input.allowFulfillmentUpload;
  if (input.allowCheckoutByAmazonOrders !== undefined)
    row.allow_checkout_by_amazon_orders = input.allowCheckoutByAmazonOrders;
  if (input.zeroInventoryOnNoStockCancel !== undefined)
    row.zero_inventory_on_no_stock_cancel = input.zeroInventoryOnNoStockCancel;
  if (input.settlementReconciliation !== undefined)
    row.settlement_reconciliation = input.settlementReconciliation;
  if (input.downloadIntervalMinutes !== undefined)
    row.download_interval_minutes = input.downloadIntervalMinutes;
  if (input.uploadIntervalMinutes !== undefined) row.upload_interval_minutes = input.uploadIntervalMinutes;
  return row;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/** A new company's input, checked as createCompany checks it (a UsageError naming the field). */
export function validateNewCompany(input: unknown): NewCompany {
  const parsed = newCompanySchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`invalid company: ${describeIssues(parsed.error)}`);
  const values: NewCompany = parsed.data;
  const regionProblem = marketplaceRegionProblem(values.region, values.marketplaceIds);
  if (regionProblem) throw new UsageError(`invalid company: ${regionProblem}`);
  return values;
}

/**
 * Adds a company, `unverified` until Amazon first accepts its credentials, or `active` at once when the
 * caller has just had them accepted (`company add --verify`).
 */
export async function createCompany(
  db: Db,
  keyring: Keyring,
  input: unknown,
  options: { verified?: boolean } = {},
): Promise<Company> {
  const values = validateNewCompany(input);
  try {
    // The id is known only once the row exists, and the credentials are bound to it: both in one transaction.
    const row = await db.transaction().execute(async (tx) => {
      const inserted = await insertCompany(tx, {
        ...toRowChanges(values),
        name: values.name,
        seller_id: values.sellerId,
        region: values.region,
        marketplace_ids: values.marketplaceIds,
        endpoint: values.endpoint ?? 'live',
        timezone: values.timeZone ?? defaultTimeZone(values.marketplaceIds),
        auth_status: options.verified ? 'active' : 'unverified',
        lwa_client_id_enc: '',
        lwa_client_secret_enc: '',
        refresh_token_enc: '',
      });
      const sealed = await updateCompanyRow(tx, inserted.id, sealCredentials(keyring, inserted.id, values));
      if (!sealed) throw new Error(`company ${inserted.id} vanished while it was being created`);
      return sealed;
    });
    return toCompany(row);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new UsageError(
        `a company with seller id ${values.sellerId} in region ${values.region} already exists`,
      );
    }
    throw err;
  }
}

export async function updateCompany(db: Db, keyring: Keyring, id: number, input: unknown): Promise<Company> {
  const parsed = companyChangesSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`invalid company change: ${describeIssues(parsed.error)}`);
  if (parsed.data.region !== undefined || parsed.data.marketplaceIds !== undefined) {
    const current = await getCompany(db, id);
    const regionProblem = marketplaceRegionProblem(
      parsed.data.region ?? current.region,
      parsed.data.marketplaceIds ?? current.marketplaceIds,
    );
    if (regionProblem) throw new UsageError(`invalid company change: ${regionProblem}`);
  }
  const changes = { ...toRowChanges(parsed.data), ...sealCredentials(keyring, id, parsed.data) };
  // New credentials are a reauthorization: the company may call Amazon again, unverified until it has.
  if (parsed.data.refreshToken !== undefined) {
    changes.auth_status = 'unverified';
    changes.auth_status_reason = null;
  }
  if (Object.keys(changes).length === 0) throw new UsageError('nothing to change');
  try {
    const row = await updateCompanyRow(db, id, changes);
    if (!row) throw new NotFoundError(`company ${id} not found`);
    return toCompany(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new UsageError('another company already has that seller id and region');
    throw err;
  }
}

export async function getCompany(db: Db, id: number): Promise<Company> {
  const row = await findCompanyRow(db, id);
  if (!row) throw new NotFoundError(`company ${id} not found`);
  return toCompany(row);
}

export async function listCompanies(db: Db): Promise<Company[]> {
  return (await listCompanyRows(db)).map(toCompany);
}

export async function removeCompany(db: Db, id: number): Promise<void> {
  if (!(await deleteCompanyRow(db, id))) throw new NotFoundError(`company ${id} not found`);
}

export async function getCompanyCredentials(
  db: Db,
  keyring: Keyring,
  id: number,
): Promise<CompanyCredentials> {
  const row = await findCompanyRow(db, id);
  if (!row) throw new NotFoundError(`company ${id} not found`);
  const credentials: Partial<CompanyCredentials> = {};
  for (const [field, column] of credentialColumns()) {
    credentials[field] = decrypt(keyring, row[column], bindingOf('companies', column, id));
  }
  return credentials as CompanyCredentials;
}

/** Credentials shown to a person: enough to recognise them, never the secret itself. */
export async function getMaskedCredentials(
  db: Db,
  keyring: Keyring,
  id: number,
): Promise<CompanyCredentials> {
  const credentials = await getCompanyCredentials(db, keyring, id);
  return {
    lwaClientId: credentials.lwaClientId,
    lwaClientSecret: mask(credentials.lwaClientSecret),
    refreshToken: mask(credentials.refreshToken),
  };
}

/** Amazon accepted an unverified company's credentials: it is active; true only for the call that changed it. */
export async function markAuthorized(db: Db, id: number): Promise<boolean> {
  return markCompanyAuthorized(db, id);
}

/** Stops a company's Amazon work until new credentials are set; true only for the call that changed it. */
export async function markNeedsReauthorization(db: Db, id: number, reason: string): Promise<boolean> {
  return markCompanyNeedsReauthorization(db, id, reason);
}
