/**
 * The chaos run's fault schedule: faults from the matrix drawn by a seeded PRNG, so that the same seed
 * gives the same schedule (what happens in between depends on timing; the faults and their times do not).
 */

export const CHAOS_FAULTS = [
  'amazon-429-storm',
  'amazon-5xx-burst',
  'amazon-slow',
  'amazon-slow-answer-createFeed',
  'amazon-dropped-connections',
  'amazon-truncated-download',
  'amazon-feed-fatal',
  'amazon-report-stuck',
  'amazon-late-visible',
  'amazon-proxy-reset',
  'amazon-proxy-stall',
  'postgres-cut',
  'postgres-down',
  'redis-restart',
  'redis-flushall',
  'redis-client-kill',
  'daemon-kill-9',
  'daemon-sigterm',
  'triple-trigger',
] as const;
export type ChaosFaultKind = (typeof CHAOS_FAULTS)[number];

export interface ChaosFault {
  /** Wall-clock ms after the run's start. */
  atMs: number;
  kind: ChaosFaultKind;
  /** How long the fault lasts (a stall, an outage, a daemon down before its restart), in ms. */
  durationMs: number;
  /** Which daemon (0 or 1) or company index it hits, where it hits one. */
  target: number;
  /** How many calls an Amazon fault applies to. */
  count: number;
}

/** mulberry32: small, fast, and the same sequence for a seed everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * One fault every `meanGapMs` on average (exponential gaps) over `windowMs`, each drawn evenly from the
 * matrix, lasting 0.5-4 s, against one of two daemons or one of `companies` companies.
 */
export function drawSchedule(
  seed: number,
  windowMs: number,
  options: { meanGapMs?: number; companies?: number } = {},
): ChaosFault[] {
  const random = seededRandom(seed);
  const meanGapMs = options.meanGapMs ?? 3_000;
  const faults: ChaosFault[] = [];
  for (
    let at = -Math.log(1 - random()) * meanGapMs;
    at < windowMs;
    at += -Math.log(1 - random()) * meanGapMs
  ) {
    const kind = CHAOS_FAULTS[Math.floor(random() * CHAOS_FAULTS.length)] ?? 'amazon-429-storm';
    const durationMs = 500 + Math.floor(random() * 3_500);
    const isDaemonFault = kind.startsWith('daemon-');
    const target = Math.floor(random() * (isDaemonFault ? 2 : (options.companies ?? 20)));
    const count = 1 + Math.floor(random() * 20);
    faults.push({ atMs: Math.round(at), kind, durationMs, target, count });
  }
  return faults;
}

export function describeFault(fault: ChaosFault): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return `+${seconds(fault.atMs)} ${fault.kind} target=${fault.target} count=${fault.count} for ${seconds(fault.durationMs)}`;
}
