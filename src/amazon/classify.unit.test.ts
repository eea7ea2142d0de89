import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyResponse, classifyThrown, classifyTokenError } from './classify.js';
import { TokenExchangeError } from './lwa.js';
import { findUnknowns, openEnum } from './validate.js';

const response = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const kindOf = (statusCode: number, body: unknown) => {
  const outcome = classifyResponse(response(statusCode, body));
  return outcome.ok ? 'ok' : outcome.failure.kind;
};

describe('classifyResponse', () => {
  it('sorts Amazon’s answers into the closed set of kinds', () => {
    expect(kindOf(200, {})).toBe('ok');
    expect(kindOf(204, '')).toBe('ok');
    expect(kindOf(400, { errors: [{ code: 'InvalidInput', message: 'Invalid Input' }] })).toBe(
      'invalid_request',
    );
    expect(kindOf(413, { errors: [{ code: 'RequestTooLarge', message: 'too large' }] })).toBe(
      'invalid_request',
    );
    expect(kindOf(404, { errors: [{ code: 'NotFound', message: 'no' }] })).toBe('not_found');
    expect(kindOf(429, { errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota' }] })).toBe(
      'throttled',
    );
    expect(kindOf(500, { errors: [{ code: 'InternalFailure', message: 'x' }] })).toBe('transient');
    expect(kindOf(503, '<html>Service Unavailable</html>')).toBe('transient');
    const expired = {
      errors: [
        {
          code: 'Unauthorized',
          message: 'Access to requested resource is denied.',
          details: 'The access token you provided has expired.',
        },
      ],
    };
    expect(kindOf(403, expired)).toBe('token_expired');
    expect(
      kindOf(403, {
        errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }],
      }),
    ).toBe('forbidden');
    expect(
      kindOf(403, {
        errors: [
          {
            code: 'Unauthorized',
            message: 'Access to requested resource is denied.',
            details: 'The access token you provided is revoked, malformed or invalid.',
          },
        ],
      }),
    ).toBe('token_refused');
  });

  it('keeps Amazon’s code, message, details, request id and announced rate', () => {
    const outcome = classifyResponse(
      response(
        400,
        { errors: [{ code: 'InvalidInput', message: 'Invalid shipDate', details: 'expected ISO 8601' }] },
        {
          'x-amzn-requestid': 'req-9',
          'x-amzn-ratelimit-limit': '0.5',
        },
      ),
    );
    expect(outcome).toMatchObject({
      ok: false,
      failure: {
        status: 400,
        code: 'InvalidInput',
        message: 'Invalid shipDate',
        details: 'expected ISO 8601',
        requestId: 'req-9',
        rateLimit: 0.5,
      },
    });
  });
});

describe('classifyThrown and classifyTokenError', () => {
  it('network errors and the package’s timeouts are transient; programming errors are not classified', () => {
    expect(classifyThrown(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))?.kind).toBe(
      'transient',
    );
    expect(classifyThrown(Object.assign(new Error('timeout'), { code: 'API_RESPONSE_TIMEOUT' }))?.kind).toBe(
      'transient',
    );
    expect(classifyThrown(new TypeError('x is undefined'))).toBeUndefined();
  });

  it('invalid_grant revokes authorization; a server error at the token endpoint is transient', () => {
    expect(classifyTokenError(Object.assign(new Error('bad grant'), { code: 'invalid_grant' })).kind).toBe(
      'authorization_revoked',
    );
    expect(
      classifyTokenError(Object.assign(new Error('<html>'), { code: 'REFRESH_ACCESS_TOKEN_PARSE_ERROR' }))
        .kind,
    ).toBe('transient');
    expect(classifyTokenError(new TokenExchangeError('slow down', 'HTTP_429', 429, 30_000))).toMatchObject({
      kind: 'throttled',
      status: 429,
      retryAfterMs: 30_000,
    });
    expect(classifyTokenError(new TokenExchangeError('down', 'HTTP_503', 503)).kind).toBe('transient');
  });
});

describe('findUnknowns', () => {
  const schema = z.looseObject({
    status: openEnum(['DONE', 'FATAL']),
    items: z.array(z.looseObject({ id: z.string(), kind: openEnum(['A']).optional() })),
  });

  it('lists unknown fields by name and unknown enum members with their value', () => {
    const value = schema.parse({
      status: 'PAUSED',
      extra: { secret: 'buyer@example.com' },
      items: [{ id: '1', kind: 'B' }, { id: '2' }],
    });
    expect(findUnknowns(schema, value)).toHaveLength(3);
    expect(findUnknowns(schema, value)).toEqual(
      expect.arrayContaining([
        { path: 'status', value: 'PAUSED' },
        { path: 'extra' },
        { path: 'items[].kind', value: 'B' },
      ]),
    );
    expect(value).toMatchObject({ status: 'PAUSED', extra: { secret: 'buyer@example.com' } });
  });
});
