import { ApiError, type Route, type SimRequest, type SimResponse } from '../http.js';
import type { SimSeller } from '../model.js';
import type { Simulation } from '../simulation.js';

/** Login with Amazon's token endpoint, and the access-token check every SP-API call goes through. */

function lwaError(status: number, error: string, description: string): SimResponse {
  return { status, json: { error, error_description: description } };
}

function readForm(request: SimRequest): Record<string, string> {
  const text = request.body.toString('utf8');
  const type = String(request.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    try {
      return JSON.parse(text) as Record<string, string>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function exchangeToken(sim: Simulation, request: SimRequest): SimResponse {
  const now = sim.now();
  const form = readForm(request);
  if (form.grant_type !== 'refresh_token') {
    return lwaError(
      400,
      'unsupported_grant_type',
      'The authorization grant type is not supported by the authorization server',
    );
  }
  const seller = sim.store.sellerByRefreshToken(form.refresh_token ?? '');
  if (!seller)
    return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
  if (form.client_id !== seller.clientId || form.client_secret !== seller.clientSecret) {
    return lwaError(401, 'invalid_client', 'Client authentication failed');
  }
  const accessToken = sim.store.newAccessToken();
  sim.store.accessTokens.set(accessToken, {
    sellerId: seller.sellerId,
    expiresAt: new Date(now.getTime() + sim.settings.accessTokenTtlMs),
  });
  // expires_in in wall-clock seconds, so a client caching the token sees it expire when the simulator does.
  const expiresIn = Math.max(1, Math.floor(sim.clock.toRealMs(sim.settings.accessTokenTtlMs) / 1000));
  return {
    status: 200,
    json: {
      access_token: accessToken,
      refresh_token: seller.refreshToken,
      token_type: 'bearer',
      expires_in: expiresIn,
    },
  };
}

const DENIED = 'Access to requested resource is denied.';

/** The seller an SP-API call acts for, or Amazon's 403. */
export function authenticate(sim: Simulation, request: SimRequest): SimSeller {
  const token = request.headers['x-amz-access-token'];
  if (typeof token !== 'string' || token === '') throw new ApiError(403, 'Unauthorized', DENIED, '');
  const grant = sim.store.accessTokens.get(token);
  if (!grant)
    throw new ApiError(
      403,
      'Unauthorized',
      DENIED,
      'The access token you provided is revoked, malformed or invalid.',
    );
  if (grant.expiresAt.getTime() <= sim.clock.now().getTime()) {
    throw new ApiError(403, 'Unauthorized', DENIED, 'The access token you provided has expired.');
  }
  const seller = sim.store.sellers.get(grant.sellerId);
  if (!seller) throw new ApiError(403, 'Unauthorized', DENIED, '');
  return seller;
}

export const authRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/auth\/o2\/token$/,
    names: [],
    kind: 'token',
    operation: 'token',
    handler: exchangeToken,
  },
];
