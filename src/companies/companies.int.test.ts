import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindingOf, decrypt } from '../shared/crypto.js';
import { UsageError } from '../shared/errors.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { addTestCompany } from '../../test/helpers/companies.js';
import {
  getCompany,
  getCompanyCredentials,
  getMaskedCredentials,
  markNeedsReauthorization,
  removeCompany,
  updateCompany,
} from './companies.service.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => context.cleanup());

describe('companies', () => {
  it('stores secrets as ciphertext and gives them back decrypted', async () => {
    const company = await addTestCompany(context, { refreshToken: 'Atzr|the-refresh-token' });
    const raw = await context.db
      .selectFrom('companies')
      .selectAll()
      .where('id', '=', company.id)
      .executeTakeFirstOrThrow();
    for (const column of [raw.lwa_client_id_enc, raw.lwa_client_secret_enc, raw.refresh_token_enc]) {
      expect(column).toMatch(/^v2\.k1\./);
    }
    expect(JSON.stringify(raw)).not.toContain('the-refresh-token');
    expect(JSON.stringify(raw)).not.toContain('secret-value');
    expect(
      decrypt(
        context.config.keyring,
        raw.refresh_token_enc,
        bindingOf('companies', 'refresh_token_enc', company.id),
      ),
    ).toBe('Atzr|the-refresh-token');
    expect(await getCompanyCredentials(context.db, context.config.keyring, company.id)).toEqual({
      lwaClientId: 'amzn1.application-oa2-client.test',
      lwaClientSecret: 'amzn1.oa2-cs.v1.secret-value',
      refreshToken: 'Atzr|the-refresh-token',
    });
    const masked = await getMaskedCredentials(context.db, context.config.keyring, company.id);
    expect(masked.refreshToken).toBe('Atzr…(22)');
    expect(masked.lwaClientSecret).not.toContain('secret-value');
  });

  it("starts with Sellercloud's defaults", async () => {
    const company = await addTestCompany(context);
    expect(company).toMatchObject({
      endpoint: 'live',
      timeZone: 'America/Los_Angeles', // its first marketplace's, amazon.com
      authStatus: 'unverified',
      allowOrderDownload: false,
      allowFulfillmentUpload: false,
      allowCheckoutByAmazonOrders: false,
      zeroInventoryOnNoStockCancel: false,
      downloadIntervalMinutes: 30,
      uploadIntervalMinutes: 30,
    });
  });

  it('updates settings and re-encrypts a new refresh token, which the next token exchange verifies', async () => {
    const company = await addTestCompany(context);
    await markNeedsReauthorization(context.db, company.id, 'invalid_grant');
    expect((await getCompany(context.db, company.id)).authStatus).toBe('needs_reauthorization');
    const updated = await updateCompany(context.db, context.config.keyring, company.id, {
      allowOrderDownload: true,
      downloadIntervalMinutes: 15,
      endpoint: 'http://127.0.0.1:4555/',
      refreshToken: 'Atzr|a-new-token',
    });
    expect(updated).toMatchObject({
      allowOrderDownload: true,
      downloadIntervalMinutes: 15,
      endpoint: 'http://127.0.0.1:4555',
      authStatus: 'unverified',
    });
    const credentials = await getCompanyCredentials(context.db, context.config.keyring, company.id);
    expect(credentials.refreshToken).toBe('Atzr|a-new-token');
  });

  it('rejects bad input naming the field, and stores nothing', async () => {
    const before = await context.db
      .selectFrom('companies')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    await expect(addTestCompany(context, { region: 'asia', marketplaceIds: [] })).rejects.toThrow(
      /region: expected na, eu or fe; marketplaceIds: at least one marketplace id/,
    );
    await expect(addTestCompany(context, { endpoint: 'ftp://x' })).rejects.toThrow(/endpoint/);
    const after = await context.db
      .selectFrom('companies')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);

    const company = await addTestCompany(context);
    await expect(
      updateCompany(context.db, context.config.keyring, company.id, { downloadIntervalMinutes: 0 }),
    ).rejects.toThrow(/downloadIntervalMinutes: expected 1-1440 minutes/);
    await expect(
      updateCompany(context.db, context.config.keyring, company.id, { colour: 'red' }),
    ).rejects.toThrow(UsageError);
    expect((await getCompany(context.db, company.id)).downloadIntervalMinutes).toBe(30);
  });

  it('refuses a second company with the same seller id and region', async () => {
    const company = await addTestCompany(context);
    await expect(addTestCompany(context, { sellerId: company.sellerId })).rejects.toThrow(/already exists/);
  });

  it('marks reauthorization only once and removes companies', async () => {
    const company = await addTestCompany(context);
    expect(await markNeedsReauthorization(context.db, company.id, 'invalid_grant')).toBe(true);
    expect(await markNeedsReauthorization(context.db, company.id, 'invalid_grant')).toBe(false);
    await removeCompany(context.db, company.id);
    await expect(getCompany(context.db, company.id)).rejects.toThrow(/not found/);
  });
});
