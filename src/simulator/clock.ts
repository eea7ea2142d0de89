/**
 * The simulator's time: it runs `timeScale` times faster than the wall clock and can be moved forward
 * by the control API, so hours of Amazon behaviour (order ageing, processing delays, token refill)
 * fit into minutes of a test or a demo.
 */
export class SimClock {
  private readonly realStart = Date.now();
  private offsetMs = 0;

  constructor(
    readonly timeScale: number,
    private readonly simStart: number = Date.now(),
  ) {
    if (!(timeScale > 0)) throw new Error(`time scale must be positive, got ${timeScale}`);
  }

  now(): Date {
    return new Date(
      Math.floor(this.simStart + (Date.now() - this.realStart) * this.timeScale + this.offsetMs),
    );
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`cannot move time backwards (${ms} ms)`);
    this.offsetMs += ms;
  }

  /** Wall-clock milliseconds that `simMs` of simulator time take. */
  toRealMs(simMs: number): number {
    return simMs / this.timeScale;
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function addMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

/** ISO 8601 in UTC without milliseconds, as Amazon writes it (`2026-01-05T10:30:00Z`). */
export function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
