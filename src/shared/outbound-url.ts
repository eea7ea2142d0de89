import { isIP } from 'node:net';

/**
 * Which base URLs sellersync may send a company's credentials and traffic to: any `https:` host except
 * link-local and cloud metadata addresses (an endpoint there would hand the instance's own credentials or
 * the seller's tokens to whoever controls the URL), and plain `http:` only to this machine (the simulator).
 */

/** Hostnames cloud providers serve instance metadata and credentials on. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Metadata services outside 169.254.0.0/16: AWS over IPv6, Alibaba Cloud. */
const METADATA_ADDRESSES = new Set(['fd00:ec2::254', '100.100.100.200']);

function ipv4Octets(address: string): number[] | undefined {
  if (isIP(address) === 4) return address.split('.').map(Number);
  // An IPv4-mapped IPv6 address (::ffff:a9fe:a9fe once the URL parser has normalized it).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!mapped) return undefined;
  const high = parseInt(mapped[1] ?? '0', 16);
  const low = parseInt(mapped[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255];
}

function isLinkLocal(address: string): boolean {
  const octets = ipv4Octets(address);
  if (octets) return octets[0] === 169 && octets[1] === 254;
  // fe80::/10: the first 10 bits are 1111 1110 10.
  return isIP(address) === 6 && /^fe[89ab][0-9a-f]?:/i.test(address);
}

export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (address === 'localhost' || address.endsWith('.localhost')) return true;
  if (address === '::1') return true;
  const octets = ipv4Octets(address);
  return octets !== undefined && octets[0] === 127;
}

/** Why `text` may not be used as an outbound base URL, or undefined when it may. */
export function outboundUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an https:// URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'expected an https:// URL';
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  if (url.search || url.hash) return 'expected a base URL without ?query or #fragment';
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (METADATA_HOSTS.has(host) || METADATA_ADDRESSES.has(host) || isLinkLocal(host)) {
    return `${host} is a link-local or cloud metadata address, never an Amazon endpoint`;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(host)) {
    return 'plain http:// is allowed only to this machine (127.0.0.1, ::1, localhost); use https://';
  }
  return undefined;
}
