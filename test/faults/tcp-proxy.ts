import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** One client connection and its upstream twin. */
interface Pair {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * A TCP proxy in front of Postgres or the simulator, to fault the link from outside the processes under
 * test: `down()` stops listening (new connections are refused, as by a stopped server), `cut()` closes
 * every open connection, `reset()` resets them (RST), `stall()` holds every byte in both directions (and
 * new connections unanswered) until `resume()`.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private stalled = false;
  private readonly heldWhileStalled: (() => void)[] = [];
  port = 0;
  /** Connections accepted since start. */
  accepted = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  get open(): number {
    return this.pairs.size;
  }

  /** Listens (on the same port again after `down()`); returns the port. */
  async up(): Promise<number> {
    if (this.server) return this.port;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
    return this.port;
  }

  /** Stops listening and cuts every open connection: the target looks gone. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cut();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Closes every open connection (FIN); returns how many. */
  cut(): number {
    const count = this.pairs.size;
    for (const pair of [...this.pairs]) this.drop(pair, false);
    return count;
  }

  /** Resets every open connection (RST); returns how many. */
  reset(): number {
    const count = this.pairs.size;
    for (const pair of [...this.pairs]) this.drop(pair, true);
    return count;
  }

  /** Holds every byte, both ways, and every new connection, until `resume()`. */
  stall(): void {
    if (this.stalled) return;
    this.stalled = true;
    for (const { client, upstream } of this.pairs) {
      if (!upstream) continue;
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  resume(): void {
    if (!this.stalled) return;
    this.stalled = false;
    for (const { client, upstream } of this.pairs) {
      if (!upstream) continue;
      client.pipe(upstream);
      upstream.pipe(client);
    }
    for (const connect of this.heldWhileStalled.splice(0)) connect();
  }

  async close(): Promise<void> {
    this.resume();
    await this.down();
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    const pair: Pair = { client, upstream: undefined };
    this.pairs.add(pair);
    client.on('error', () => this.drop(pair, false));
    client.on('close', () => this.drop(pair, false));
    if (this.stalled) {
      client.pause();
      this.heldWhileStalled.push(() => this.connectUpstream(pair));
    } else this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    if (!this.pairs.has(pair)) return;
    const upstream = createConnection({ port: this.targetPort, host: this.targetHost });
    pair.upstream = upstream;
    upstream.on('error', () => this.drop(pair, false));
    upstream.on('close', () => this.drop(pair, false));
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
    pair.client.resume();
  }

  private drop(pair: Pair, reset: boolean): void {
    if (!this.pairs.delete(pair)) return;
    for (const socket of [pair.client, pair.upstream]) {
      if (!socket || socket.destroyed) continue;
      if (reset) socket.resetAndDestroy();
      else socket.destroy();
    }
  }
}
