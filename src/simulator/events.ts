/**
 * Everything that happens on its own in the simulated marketplace (new orders, Pending → Unshipped,
 * report and feed processing, Amazon-side cancellations) is an event at a simulator time. Events run
 * lazily, in time order, whenever the simulator is asked something, so state is always as of "now".
 */
interface Scheduled {
  at: number;
  seq: number;
  run: (at: Date) => void;
}

export class EventQueue {
  private readonly items: Scheduled[] = [];
  private seq = 0;

  schedule(at: Date, run: (at: Date) => void): void {
    const item = { at: at.getTime(), seq: this.seq++, run };
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const other = this.items[middle];
      if (other !== undefined && (other.at < item.at || (other.at === item.at && other.seq < item.seq)))
        low = middle + 1;
      else high = middle;
    }
    this.items.splice(low, 0, item);
  }

  /** Runs every event due at or before `now`, including events that due events schedule. */
  runDue(now: Date): number {
    let count = 0;
    for (;;) {
      const first = this.items[0];
      if (first === undefined || first.at > now.getTime()) return count;
      this.items.shift();
      first.run(new Date(first.at));
      count++;
    }
  }

  get size(): number {
    return this.items.length;
  }
}
