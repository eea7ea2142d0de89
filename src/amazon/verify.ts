import type { AmazonCredentials } from './account.js';
import { classifyTokenError } from './classify.js';
import { BaseUrlAgent, parseEndpoint } from './endpoint.js';
import { exchangeRefreshToken } from './lwa.js';

/** What one token exchange says about a set of credentials, before anything is stored. */
export type CredentialsCheck =
  | { outcome: 'accepted' }
  /** Amazon answered and refused them (`invalid_grant`, `invalid_client`, …): they will not work. */
  | { outcome: 'refused'; code: string; message: string }
  /** No verdict: the token endpoint could not be reached, throttled or failed. */
  | { outcome: 'unknown'; code: string | undefined; message: string };

const CHECK_TIMEOUT_MS = 15_000;

/** Exchanges the refresh token once, at the company's endpoint (Amazon, or the simulator it names). */
export async function checkCredentials(
  endpoint: string,
  credentials: AmazonCredentials,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<CredentialsCheck> {
  const target = parseEndpoint(endpoint);
  const agent = target.kind === 'base' ? new BaseUrlAgent(target.base) : undefined;
  try {
    await exchangeRefreshToken(credentials, agent, timeoutMs);
    return { outcome: 'accepted' };
  } catch (err) {
    const failure = classifyTokenError(err);
    if (failure.kind === 'authorization_revoked' || failure.kind === 'invalid_request') {
      return { outcome: 'refused', code: failure.code ?? 'refused', message: failure.message };
    }
    return { outcome: 'unknown', code: failure.code, message: failure.message };
  } finally {
    agent?.destroy();
  }
}
