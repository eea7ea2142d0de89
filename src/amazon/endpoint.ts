import { Agent, type ClientRequest } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { outboundUrlProblem } from '../shared/outbound-url.js';

/**
 * A company's `endpoint`: Amazon's production host (`live`), Amazon's sandbox (`sandbox`), or a base URL
 * that receives all of the company's Amazon traffic (the simulator, a staging double, a test double).
 */
export type EndpointTarget = { kind: 'live' } | { kind: 'sandbox' } | { kind: 'base'; base: URL };

export function parseEndpoint(endpoint: string): EndpointTarget {
  if (endpoint === 'live') return { kind: 'live' };
  if (endpoint === 'sandbox') return { kind: 'sandbox' };
  // Checked again here: a row written before the policy, or by hand, must not reach a metadata address.
  const problem = outboundUrlProblem(endpoint);
  if (problem) throw new Error(`endpoint ${endpoint}: ${problem}`);
  return { kind: 'base', base: new URL(endpoint) };
}

/**
 * The `amazon-sp-api` package always opens `https://<Amazon host>:443` (SP-API and the LWA token
 * endpoint alike) and accepts only an agent to change that. This agent connects every such request to
 * the base URL instead, in plain TCP for `http:` or TLS for `https:`, puts the base URL's path in front
 * of Amazon's path and sets the Host header to the base URL's host. It claims `https:` because the
 * package's requests are made with `https.request`.
 */
export class BaseUrlAgent extends Agent {
  private readonly pathPrefix: string;

  constructor(private readonly base: URL) {
    super({ keepAlive: true });
    (this as unknown as { protocol: string }).protocol = 'https:';
    this.pathPrefix = base.pathname.replace(/\/+$/, '');
  }

  override createConnection(): Socket {
    const port = Number(this.base.port) || (this.base.protocol === 'https:' ? 443 : 80);
    const host = this.base.hostname.replace(/^\[|\]$/g, '');
    if (this.base.protocol === 'https:') return tlsConnect({ host, port, servername: host });
    return netConnect({ host, port });
  }

  // Called before the request line and headers are written, so both can still be changed.
  addRequest(request: ClientRequest, options: object): void {
    request.path = `${this.pathPrefix}${request.path}`;
    request.setHeader('host', this.base.host);
    (Agent.prototype as unknown as { addRequest(r: ClientRequest, o: object): void }).addRequest.call(
      this,
      request,
      options,
    );
  }
}
