import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError } from '../shared/crypto.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { addTestCompany } from '../../test/helpers/companies.js';
import { encryptV1 } from '../../test/helpers/legacy-crypto.js';
import { getCompanyCredentials, updateCompany } from './companies.service.js';

/** A company's stored credentials decrypt only in their own row and column. */

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => context.cleanup());

const credentialsOf = (id: number) => getCompanyCredentials(context.db, context.config.keyring, id);

describe('credentials bound to their company', () => {
  it('a refresh token copied into another company does not decrypt there', async () => {
    const victim = await addTestCompany(context, { refreshToken: 'Atzr|the-victims-token' });
    const attacker = await addTestCompany(context, { refreshToken: 'Atzr|the-attackers-token' });
    const stolen = await context.db
      .selectFrom('companies')
      .select('refresh_token_enc')
      .where('id', '=', victim.id)
      .executeTakeFirstOrThrow();
    await context.db
      .updateTable('companies')
      .set({ refresh_token_enc: stolen.refresh_token_enc })
      .where('id', '=', attacker.id)
      .execute();
    await expect(credentialsOf(attacker.id)).rejects.toThrow(DecryptionError);
    await expect(credentialsOf(attacker.id)).rejects.toThrow(/copied from another row or column/);
    expect((await credentialsOf(victim.id)).refreshToken).toBe('Atzr|the-victims-token');
  });

  it('a value moved to another column of the same row does not decrypt there', async () => {
    const company = await addTestCompany(context);
    await context.db
      .updateTable('companies')
      .set((eb) => ({ lwa_client_id_enc: eb.ref('lwa_client_secret_enc') }))
      .where('id', '=', company.id)
      .execute();
    await expect(credentialsOf(company.id)).rejects.toThrow(DecryptionError);
  });

  it('reads credentials written before binding (v1) and writes them back bound (v2)', async () => {
    const company = await addTestCompany(context);
    const keyring = context.config.keyring;
    await context.db
      .updateTable('companies')
      .set({
        lwa_client_id_enc: encryptV1(keyring, 'amzn1.application-oa2-client.legacy'),
        lwa_client_secret_enc: encryptV1(keyring, 'legacy-secret'),
        refresh_token_enc: encryptV1(keyring, 'Atzr|legacy-token'),
      })
      .where('id', '=', company.id)
      .execute();
    expect(await credentialsOf(company.id)).toEqual({
      lwaClientId: 'amzn1.application-oa2-client.legacy',
      lwaClientSecret: 'legacy-secret',
      refreshToken: 'Atzr|legacy-token',
    });
    await updateCompany(context.db, keyring, company.id, { refreshToken: 'Atzr|renewed-token' });
    const row = await context.db
      .selectFrom('companies')
      .select(['refresh_token_enc', 'lwa_client_secret_enc'])
      .where('id', '=', company.id)
      .executeTakeFirstOrThrow();
    expect(row.refresh_token_enc).toMatch(/^v2\./);
    expect(row.lwa_client_secret_enc).toMatch(/^v1\./);
    expect((await credentialsOf(company.id)).refreshToken).toBe('Atzr|renewed-token');
  });
});
