// Counters per partner event source, so a test or the demo can see where events went: AWS itself
// drops the events of a PENDING source without a trace, which is exactly what must be visible here.

export interface SourceCounters {
  /** Entries PutPartnerEvents accepted (an EventId returned), associated or not. */
  accepted: number;
  /** Entries that failed (no such source, malformed detail, …): FailedEntryCount. */
  rejected: number;
  /** Accepted while the source was PENDING (no partner event bus): dropped, as in AWS. */
  droppedUnassociated: number;
  /** (event, enabled rule) pairs that matched on the source's bus. */
  matched: number;
  /** (event, target) deliveries that reached the target queue. */
  delivered: number;
  /** (event, target) deliveries that failed for good (after any retries). */
  failedDelivery: number;
  /** Of those failures, the ones written to the target's dead-letter queue. */
  deadLettered: number;
}

export interface EmulatorStats {
  /** By partner event source name. */
  sources: Record<string, SourceCounters>;
  totals: SourceCounters;
  /** Accepted events whose delivery is still under way. */
  pendingDeliveries: number;
}

const zero = (): SourceCounters => ({
  accepted: 0, rejected: 0, droppedUnassociated: 0, matched: 0, delivered: 0, failedDelivery: 0, deadLettered: 0,
});

export class Counters {
  private bySource = new Map<string, SourceCounters>();

  add(source: string, counter: keyof SourceCounters, n = 1): void {
    let c = this.bySource.get(source);
    if (!c) this.bySource.set(source, (c = zero()));
    c[counter] += n;
  }

  snapshot(pendingDeliveries: number): EmulatorStats {
    const totals = zero();
    const sources: Record<string, SourceCounters> = {};
    for (const [name, c] of [...this.bySource].sort(([a], [b]) => a.localeCompare(b))) {
      sources[name] = { ...c };
      for (const k of Object.keys(totals) as (keyof SourceCounters)[]) totals[k] += c[k];
    }
    return { sources, totals, pendingDeliveries };
  }

  reset(): void {
    this.bySource.clear();
  }
}
