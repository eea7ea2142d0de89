/**
 * Where Redis is, without loading a Redis client (the configuration reads it; most CLI commands never
 * connect).
 */

export interface ClusterNode {
  host: string;
  port: number;
}

/**
 * Where Redis is: the server of `url`, or, with `clusterNodes`, a Redis Cluster found through those
 * nodes, every node reached with the user, password and TLS (`rediss://`) of `url`.
 */
export interface RedisTarget {
  url: string;
  clusterNodes?: readonly ClusterNode[] | undefined;
}

export function targetOf(target: string | RedisTarget): RedisTarget {
  return typeof target === 'string' ? { url: target } : target;
}

/**
 * The prefix of the BullMQ queues' keys. A queue's Lua scripts touch many of its keys at once, which a
 * Redis Cluster allows only within one hash slot: on a cluster the prefix is a hash tag (`{sellersync}`).
 */
export function queueKeyPrefix(prefix: string, target: string | RedisTarget): string {
  return targetOf(target).clusterNodes === undefined ? prefix : `{${prefix}}`;
}
