import { createHash, randomUUID } from 'node:crypto';
import { waitUnlessStopped } from '../shared/abort.js';
import { bindingOf, decrypt, DecryptionError, encrypt, type Keyring } from '../shared/crypto.js';
import { defineScript, usingRedis, type Redis, type RedisScript } from '../shared/redis.js';

const PURPOSE = 'amazon access-token cache';

/**
 * LWA access tokens, shared by every process through Redis (encrypted), so a company exchanges its
 * refresh token once an hour rather than once per process or per call. A token is renewed a minute
 * before it expires; a short Redis lock makes one process do the exchange while the others wait for it.
 */

/** Amazon's access tokens live one hour (`expires_in` 3600); the package does not pass `expires_in` on. */
export const ACCESS_TOKEN_LIFETIME_MS = 3_600_000;
const RENEW_BEFORE_EXPIRY_MS = 60_000;
const EXCHANGE_LOCK_MS = 15_000;
const WAIT_STEP_MS = 100;

// Deletes the cached token only if it is still the one that was refused.
const DELETE_IF_SAME = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

export interface TokenCacheSettings {
  redis: Redis;
  prefix: string;
  keyring: Keyring;
  /** The account the token belongs to (part of the key). */
  accountId: string;
  refreshToken: string;
  exchange: () => Promise<string>;
}

export class TokenCache {
  private readonly key: string;
  private memo: { token: CachedToken; ciphertext: string } | undefined;
  private readonly deleteIfSame: RedisScript;

  constructor(private readonly settings: TokenCacheSettings) {
    this.deleteIfSame = defineScript(settings.redis, 'sellersyncDeleteIfSame', 1, DELETE_IF_SAME);
    // The refresh token's digest is in the key: new credentials never reuse the old grant's token.
    const grant = createHash('sha256').update(settings.refreshToken).digest('hex').slice(0, 16);
    this.key = `${settings.prefix}:amazon:lwa:${settings.accountId}:${grant}`;
  }

  async accessToken(signal?: AbortSignal): Promise<string> {
    if (this.memo && isFresh(this.memo.token)) return this.memo.token.accessToken;
    const deadline = Date.now() + EXCHANGE_LOCK_MS;
    const lockKey = `${this.key}:lock`;
    while (Date.now() < deadline) {
      const cached = await this.readCached();
      if (cached) return cached;
      const owner = randomUUID();
      const locked = await usingRedis(PURPOSE, () =>
        this.settings.redis.set(lockKey, owner, 'PX', EXCHANGE_LOCK_MS, 'NX'),
      );
      if (locked === 'OK') {
        try {
          return (await this.readCached()) ?? (await this.exchangeAndStore());
        } finally {
          await usingRedis(PURPOSE, () => this.deleteIfSame([lockKey], [owner]));
        }
      }
      await waitUnlessStopped(WAIT_STEP_MS, signal, 'amazon access token');
    }
    // The process holding the lock did not finish in time; exchange rather than stall.
    return this.exchangeAndStore();
  }

  /** Forgets a token Amazon refused, unless another process already replaced it. */
  async invalidate(accessToken: string): Promise<void> {
    if (this.memo?.token.accessToken !== accessToken) return;
    const { ciphertext } = this.memo;
    this.memo = undefined;
    await usingRedis(PURPOSE, () => this.deleteIfSame([this.key], [ciphertext]));
  }

  private async readCached(): Promise<string | undefined> {
    const ciphertext = await usingRedis(PURPOSE, () => this.settings.redis.get(this.key));
    if (ciphertext === null) return undefined;
    let token: CachedToken;
    try {
      token = JSON.parse(
        decrypt(this.settings.keyring, ciphertext, bindingOf('redis', 'lwa-token', this.key)),
      ) as CachedToken;
    } catch (err) {
      // Written under a key no longer configured: treat as absent, a fresh exchange replaces it.
      if (err instanceof DecryptionError) return undefined;
      throw err;
    }
    if (!isFresh(token)) return undefined;
    this.memo = { token, ciphertext };
    return token.accessToken;
  }

  private async exchangeAndStore(): Promise<string> {
    const accessToken = await this.settings.exchange();
    const token: CachedToken = { accessToken, expiresAt: Date.now() + ACCESS_TOKEN_LIFETIME_MS };
    const ciphertext = encrypt(
      this.settings.keyring,
      JSON.stringify(token),
      bindingOf('redis', 'lwa-token', this.key),
    );
    const ttl = token.expiresAt - RENEW_BEFORE_EXPIRY_MS - Date.now();
    await usingRedis(PURPOSE, () => this.settings.redis.set(this.key, ciphertext, 'PX', ttl));
    this.memo = { token, ciphertext };
    return accessToken;
  }
}

function isFresh(token: CachedToken): boolean {
  return token.expiresAt - RENEW_BEFORE_EXPIRY_MS > Date.now();
}
