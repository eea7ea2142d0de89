import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../test/helpers/context.js';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('redacts tokens, secrets and buyer fields wherever they nest', () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', pretty: false }, logs);
    logger.child({ companyId: 7 }).info(
      {
        refreshToken: 'Atzr|leak-1',
        credentials: { clientSecret: 'leak-2', access_token: 'Atza|leak-3' },
        request: { headers: { 'x-amz-access-token': 'Atza|leak-4', authorization: 'Bearer leak-5' } },
        order: { orderId: '113-0000000-0000001', buyer: { buyerEmail: 'leak-6@marketplace.amazon.com' } },
        recipient: { deliveryAddress: { name: 'leak-7' } },
      },
      'calling amazon',
    );
    const [entry] = logs.entries();
    expect(logs.text).not.toMatch(/leak-\d/);
    expect(entry).toMatchObject({
      companyId: 7,
      refreshToken: '[redacted]',
      credentials: { clientSecret: '[redacted]', access_token: '[redacted]' },
      order: { orderId: '113-0000000-0000001', buyer: '[redacted]' },
      msg: 'calling amazon',
    });
  });
});
