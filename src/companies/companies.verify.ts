import { UpstreamError, UsageError } from '../shared/errors.js';
import type { NewCompany } from './companies.schema.js';

/** Amazon's token endpoint gave no verdict on a company's credentials (unreachable, throttled, failing). */
export class CredentialsUncheckedError extends UpstreamError {
  override name = 'CredentialsUncheckedError';
}

/**
 * One token exchange before a company is stored (`company add --verify`, `POST /api/companies?verify=true`):
 * refused by Amazon, a UsageError naming the credential at fault (the caller's name for it); no verdict,
 * a CredentialsUncheckedError. Either way nothing is added.
 */
export async function verifyNewCompanyCredentials(
  values: NewCompany,
  fields: { lwaClientSecret: string; refreshToken: string },
): Promise<void> {
  // Loaded only when asked for: the Amazon client is not needed by any other company command.
  const { checkCredentials } = await import('../amazon/verify.js');
  const check = await checkCredentials(values.endpoint ?? 'live', values);
  if (check.outcome === 'refused') {
    throw new UsageError(
      `Amazon refused the credentials (${check.code}: ${check.message}); the company was not added`,
      { field: check.code === 'invalid_client' ? fields.lwaClientSecret : fields.refreshToken },
    );
  }
  if (check.outcome === 'unknown') {
    throw new CredentialsUncheckedError(
      `could not verify the credentials: Amazon's token endpoint gave no verdict (${check.code ?? 'error'}: ${check.message}); the company was not added (try again, or add it without verifying and its first run checks them)`,
    );
  }
}
