import { createRequire } from 'node:module';
import type { Agent } from 'node:http';
import type { AmazonCredentials, AmazonRegion } from './account.js';
import type { EndpointTarget } from './endpoint.js';
import { BaseUrlAgent } from './endpoint.js';
import type { OperationName } from './operations.js';
import { OPERATIONS } from './operations.js';
import { exchangeRefreshToken } from './lwa.js';

/**
 * The one place that touches the `amazon-sp-api` package. It is used for what it does well (operation
 * paths, parameter encoding, headers) with everything automatic turned off: explicit
 * credentials (never ~/.amzspapi or the environment), no automatic tokens, no throttle or timeout
 * retries, no logging. Results come back raw (status, headers, body); src/amazon/call.ts decides.
 */

interface SpConfig {
  region: AmazonRegion;
  refresh_token: string;
  access_token?: string;
  credentials: { SELLING_PARTNER_APP_CLIENT_ID: string; SELLING_PARTNER_APP_CLIENT_SECRET: string };
  options: Record<string, unknown>;
}

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface SellingPartnerInstance {
  callAPI(params: Record<string, unknown>): Promise<RawResponse>;
}

const require = createRequire(import.meta.url);
const { SellingPartner } = require('amazon-sp-api') as {
  SellingPartner: new (config: SpConfig) => SellingPartnerInstance;
};

export interface CallParams {
  path?: Record<string, string>;
  query?: Record<string, string | number | string[]>;
  body?: unknown;
}

export interface SpClientSettings {
  region: AmazonRegion;
  target: EndpointTarget;
  credentials: AmazonCredentials;
  timeouts: { responseMs: number; deadlineMs: number };
}

/** One company's SP-API client. The access token comes from the shared cache; a new one rebuilds it. */
export class SpClient {
  private readonly agent: Agent | undefined;
  private client: SellingPartnerInstance;
  private clientToken: string | undefined;

  constructor(private readonly settings: SpClientSettings) {
    this.agent = settings.target.kind === 'base' ? new BaseUrlAgent(settings.target.base) : undefined;
    this.client = this.build(undefined);
  }

  private build(accessToken: string | undefined): SellingPartnerInstance {
    const { region, target, credentials, timeouts } = this.settings;
    this.clientToken = accessToken;
    return new SellingPartner({
      region,
      refresh_token: credentials.refreshToken,
      ...(accessToken === undefined ? {} : { access_token: accessToken }),
      credentials: {
        SELLING_PARTNER_APP_CLIENT_ID: credentials.lwaClientId,
        SELLING_PARTNER_APP_CLIENT_SECRET: credentials.lwaClientSecret,
      },
      options: {
        auto_request_tokens: false,
        auto_request_throttled: false,
        retry_remote_timeout: false,
        version_fallback: false,
        use_sandbox: target.kind === 'sandbox',
        debug_log: false,
        timeouts: { response: timeouts.responseMs, deadline: timeouts.deadlineMs },
        ...(this.agent ? { https_proxy_agent: this.agent } : {}),
      },
    });
  }

  /** The LWA exchange (refresh token → access token); a refusal is a TokenExchangeError. */
  async exchangeToken(): Promise<string> {
    const token = await exchangeRefreshToken(
      this.settings.credentials,
      this.agent,
      this.settings.timeouts.responseMs,
    );
    this.client = this.build(token);
    return token;
  }

  async call(operation: OperationName, accessToken: string, params: CallParams): Promise<RawResponse> {
    if (accessToken !== this.clientToken) this.client = this.build(accessToken);
    const definition = OPERATIONS[operation];
    return this.client.callAPI({
      operation,
      endpoint: definition.endpoint,
      ...(params.path ? { path: { ...params.path } } : {}),
      ...(params.query ? { query: params.query } : {}),
      ...(params.body === undefined ? {} : { body: params.body }),
      options: { version: definition.version, raw_result: true },
    });
  }

  close(): void {
    this.agent?.destroy();
  }
}
