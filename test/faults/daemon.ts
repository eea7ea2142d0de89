import type { RunSummary } from '../../src/jobs/run-job.js';
import { startProcess, type RunningProcess } from '../helpers/process.js';
import { freePort } from '../helpers/own-redis.js';
import { TEST_ADMIN_TOKEN } from '../helpers/context.js';

/** A real `sellersync start` process, its admin API and everything it printed. */
export class FaultDaemon {
  private constructor(
    readonly name: string,
    readonly process: RunningProcess,
    readonly adminUrl: string,
  ) {}

  static async start(name: string, env: Record<string, string>): Promise<FaultDaemon> {
    const port = await freePort();
    const running = startProcess(['bin/sellersync.js', 'start'], {
      ...env,
      ADMIN_PORT: String(port),
      ADMIN_HOST: '127.0.0.1',
    });
    return new FaultDaemon(name, running, `http://127.0.0.1:${port}`);
  }

  get pid(): number | undefined {
    return this.process.child.pid;
  }

  get alive(): boolean {
    return this.process.child.exitCode === null && this.process.child.signalCode === null;
  }

  output(): string {
    return this.process.output();
  }

  /** The JSON log lines printed so far (other lines, such as a stack on stderr, are kept as `raw`). */
  logLines(): Record<string, unknown>[] {
    return this.output()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return { raw: line };
        }
      });
  }

  waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    return this.process.waitFor(pattern, timeoutMs);
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    await this.waitFor(/"msg":"sellersync started"/, timeoutMs);
  }

  /** kill -9: no shutdown, leases and BullMQ locks left to lapse. */
  async kill9(): Promise<void> {
    if (!this.alive) return;
    this.process.child.kill('SIGKILL');
    await this.process.exited;
  }

  /** SIGTERM; returns the exit code and how long the exit took. */
  async term(timeoutMs = 45_000): Promise<{ code: number | null; ms: number }> {
    const started = performance.now();
    if (!this.alive) return { code: this.process.child.exitCode, ms: 0 };
    this.process.child.kill('SIGTERM');
    const timer = setTimeout(() => this.process.child.kill('SIGKILL'), timeoutMs);
    const code = await this.process.exited;
    clearTimeout(timer);
    return { code, ms: performance.now() - started };
  }

  /** Calls the daemon's admin API. */
  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.adminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Runs a job now in the daemon (through the admin API, not a worker) and answers how it ended. */
  async runNow(companyId: number, kind: string): Promise<RunSummary> {
    const answer = await this.api<RunSummary>('POST', `/api/companies/${companyId}/runs`, {
      kind,
      queue: false,
    });
    if (answer.status !== 200)
      throw new Error(`run ${kind}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Queues a manual run for a worker (any daemon's worker may take it). */
  async queueRun(companyId: number, kind: string): Promise<void> {
    const answer = await this.api('POST', `/api/companies/${companyId}/runs`, { kind, queue: true });
    if (answer.status !== 202)
      throw new Error(`run ${kind} not queued: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}
