import { createCompany, type Company } from '../../src/companies/companies.service.js';
import type { TestContext } from './context.js';

let sequence = 0;

/** A company with valid settings; seller ids differ per call. */
export async function addTestCompany(
  context: TestContext,
  overrides: Record<string, unknown> = {},
): Promise<Company> {
  sequence += 1;
  return createCompany(context.db, context.config.keyring, {
    name: `Test Seller ${sequence}`,
    sellerId: `A${String(sequence).padStart(4, '0')}TESTSELLER`,
    region: 'na',
    marketplaceIds: ['ATVPDKIKX0DER'],
    lwaClientId: 'amzn1.application-oa2-client.test',
    lwaClientSecret: 'amzn1.oa2-cs.v1.secret-value',
    refreshToken: 'Atzr|IwEBIrefresh-token-value',
    ...overrides,
  });
}
