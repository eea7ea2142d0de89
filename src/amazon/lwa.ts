import type { Agent } from 'node:http';
import { request } from 'node:https';
import type { AmazonCredentials } from './account.js';

/**
 * The LWA exchange (refresh token → access token), done here rather than by the package so that the
 * HTTP status is known: a 429 from the token endpoint is a throttle, not a broken answer.
 */

export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

/** A refused or unusable answer of the token endpoint: LWA's `error` as code, the HTTP status. */
export class TokenExchangeError extends Error {
  override name = 'TokenExchangeError';
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    /** From a 429's `Retry-After` (seconds). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

interface LwaAnswer {
  access_token?: unknown;
  error?: unknown;
  error_description?: unknown;
}

function post(body: string, agent: Agent | undefined, timeoutMs: number) {
  return new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request(LWA_TOKEN_URL, { method: 'POST', headers, ...(agent ? { agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error('token exchange timed out'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.end(body);
  });
}

function parse(body: string): LwaAnswer {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as LwaAnswer) : {};
  } catch {
    return {};
  }
}

export async function exchangeRefreshToken(
  credentials: AmazonCredentials,
  agent: Agent | undefined,
  timeoutMs: number,
): Promise<string> {
  const answer = await post(
    JSON.stringify({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
      client_id: credentials.lwaClientId,
      client_secret: credentials.lwaClientSecret,
    }),
    agent,
    timeoutMs,
  );
  const json = parse(answer.body);
  if (answer.status === 200 && typeof json.access_token === 'string' && json.access_token !== '') {
    return json.access_token;
  }
  const code = typeof json.error === 'string' ? json.error : `HTTP_${answer.status}`;
  const description = typeof json.error_description === 'string' ? json.error_description : undefined;
  const message =
    description ?? (answer.body.slice(0, 500) || `token endpoint answered HTTP ${answer.status}`);
  const seconds = Number(answer.retryAfter);
  const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
  throw new TokenExchangeError(message, code, answer.status, retryAfterMs);
}
