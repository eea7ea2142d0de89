import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { ClusterNode } from '../../src/shared/redis.js';
import { freePort, waitForRedisServer, withRedisProbe } from './own-redis.js';

const run = promisify(execFile);

/**
 * A Redis Cluster of the test's own: three primaries without replicas on free ports (their cluster bus on
 * free ports too), every slot assigned, in a temporary directory removed at stop.
 */
export class OwnRedisCluster {
  private readonly processes: ChildProcess[] = [];
  private directory = '';
  nodes: ClusterNode[] = [];

  /** REDIS_CLUSTER_NODES for this cluster. */
  get nodesSetting(): string {
    return this.nodes.map((node) => `${node.host}:${node.port}`).join(',');
  }

  async start(size = 3): Promise<ClusterNode[]> {
    this.directory = await mkdtemp(join(tmpdir(), 'sellersync-cluster-'));
    for (let index = 0; index < size; index++) {
      const port = await freePort();
      const busPort = await freePort();
      // Spawned one after the other: two free-port probes in a row may not return the same port twice.
      this.processes.push(
        spawn(
          'redis-server',
          [
            ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
            ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort)],
            ...['--cluster-config-file', `nodes-${port}.conf`, '--dir', this.directory],
          ],
          { stdio: 'ignore' },
        ),
      );
      this.nodes.push({ host: '127.0.0.1', port });
      await waitForRedisServer(port);
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...this.nodes.map((node) => `${node.host}:${node.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const node of this.nodes) await waitForClusterState(node.port);
    return this.nodes;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async (child) => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    this.processes.length = 0;
    if (this.directory !== '') await rm(this.directory, { recursive: true, force: true });
  }
}

/** Until the node sees every slot served (`cluster_state:ok`). */
async function waitForClusterState(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const info = await withRedisProbe(port, (redis) => redis.cluster('INFO'));
    if (/cluster_state:ok/.test(String(info))) return;
    await sleep(50);
  }
  throw new Error(`redis cluster node on port ${port} never reached cluster_state:ok`);
}
