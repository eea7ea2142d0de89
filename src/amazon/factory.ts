import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import type { Redis } from '../shared/redis.js';
import type { AmazonPortFactory } from './port.js';

export interface AmazonDependencies {
  config: Config;
  db: Db;
  redis: Redis;
  logger: Logger;
}

/** Builds each company's Amazon port from its stored (decrypted) credentials and endpoint. */
export function createAmazonPortFactory(_dependencies: AmazonDependencies): AmazonPortFactory {
  return {
    forCompany() {
      return Promise.reject(new Error('the SP-API gateway is not available in this build'));
    },
  };
}
