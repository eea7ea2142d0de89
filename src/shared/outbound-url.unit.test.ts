import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outboundUrlProblem } from './outbound-url.js';

describe('outbound base URLs', () => {
  it('allows https anywhere public and plain http only to this machine', () => {
    for (const url of [
      'https://sellingpartnerapi-na.amazon.com',
      'https://staging.example.com:8443/sp',
      'http://127.0.0.1:4555',
      'http://127.1.2.3',
      'http://[::1]:4555',
      'http://localhost:4555',
    ]) {
      expect({ url, problem: outboundUrlProblem(url) }).toEqual({ url, problem: undefined });
    }
  });

  it('refuses plain http to another machine', () => {
    for (const url of ['http://staging.example.com', 'http://10.0.0.5:4555', 'http://[2001:db8::1]']) {
      expect(outboundUrlProblem(url)).toMatch(/plain http:\/\/ is allowed only to this machine/);
    }
  });

  it('refuses link-local and metadata addresses however they are written', () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'http://169.254.169.254',
      'https://169.254.0.1',
      'https://2852039166', // 169.254.169.254 as one decimal number
      'https://0xA9FEA9FE',
      'https://0251.0376.0251.0376',
      'https://[::ffff:169.254.169.254]',
      'https://[fe80::1]',
      'https://[FEBF::1]',
      'https://[fd00:ec2::254]',
      'https://metadata.google.internal',
      'https://METADATA.GOOGLE.INTERNAL.',
      'https://metadata',
      'https://100.100.100.200',
    ]) {
      expect({ url, problem: outboundUrlProblem(url) }).toEqual({
        url,
        problem: expect.stringMatching(/link-local or cloud metadata address/),
      });
    }
  });

  it('refuses every address in 169.254.0.0/16', () => {
    fc.assert(
      fc.property(fc.nat(255), fc.nat(255), fc.constantFrom('http', 'https'), (c, d, scheme) => {
        expect(outboundUrlProblem(`${scheme}://169.254.${c}.${d}:443`)).toMatch(/link-local/);
      }),
    );
  });

  it('refuses what is not a base URL', () => {
    for (const url of ['ftp://example.com', 'file:///etc/passwd', 'example.com', 'https://u:p@example.com']) {
      expect(outboundUrlProblem(url)).toBeDefined();
    }
  });
});
