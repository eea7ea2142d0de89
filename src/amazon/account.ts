import type { Logger } from '../shared/logger.js';
import type { AmazonError } from './errors.js';

/**
 * What the gateway needs to call Amazon for one selling partner, and nothing about who that is in our
 * own model: the wiring resolves its records into this.
 */

export const AMAZON_REGIONS = ['na', 'eu', 'fe'] as const;
export type AmazonRegion = (typeof AMAZON_REGIONS)[number];

/** The LWA application and the seller's grant (decrypted). */
export interface AmazonCredentials {
  lwaClientId: string;
  lwaClientSecret: string;
  refreshToken: string;
}

/** What the gateway tells its owner about the account; each is awaited before the error is thrown. */
export interface AccountEvents {
  /** The seller's grant no longer works (`invalid_grant`, or a 403 on a token a fresh exchange does not cure). */
  authorizationRevoked(error: AmazonError): Promise<void>;
  /** Amazon refused one operation (a 403 that is not about the token: a role the application lacks). */
  operationForbidden(operation: string, error: AmazonError): Promise<void>;
  /** The first success of an operation in this gateway (a refusal recorded earlier no longer holds). */
  operationSucceeded(operation: string): Promise<void>;
  /** Amazon exchanged the refresh token for an access token: the credentials work. */
  credentialsAccepted(): Promise<void>;
}

export interface AmazonAccount {
  /** A stable id of the account: part of its cached access token's key. */
  id: string;
  sellerId: string;
  region: AmazonRegion;
  /** `live`, `sandbox` or a base URL (see endpoint.ts). */
  endpoint: string;
  credentials: AmazonCredentials;
  /** Carries whatever identifies the account in our logs. */
  logger: Logger;
  events?: Partial<AccountEvents> | undefined;
}
