/**
 * The System Log as the simulator stores it: `org.events` in persistence order, plus each
 * event's persistence time. Persistence times never go backwards, so a late event (old
 * `published`, appended now) sits at the end: pollers following a stored `next` link get it,
 * bounded queries by `published` may not — as with Okta (okta.md §3.2, §3.3).
 */
import type { OktaLogEvent, SimulatedOrg } from './types.js';

export class SystemLogStore {
  private events: OktaLogEvent[];
  private persistedAt: number[] = [];
  private sortedCache: OktaLogEvent[] | null = null;

  constructor(private readonly org: SimulatedOrg) {
    this.events = org.events;
    this.sync();
  }

  /** Appends in persistence order. `persistedAt` defaults to each event's `published`. */
  append(events: readonly OktaLogEvent[], persistedAt?: Date): void {
    this.sync();
    for (const event of events) {
      this.org.events.push(event);
      this.record(persistedAt ? persistedAt.getTime() : Date.parse(event.published));
    }
  }

  get length(): number {
    this.sync();
    return this.events.length;
  }

  at(position: number): OktaLogEvent {
    return this.events[position];
  }

  /** First position whose persistence time is at or after `since`. */
  firstPersistedSince(since: number): number {
    this.sync();
    let lo = 0;
    let hi = this.persistedAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.persistedAt[mid] < since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** All events ordered by (published, uuid); cached until the log changes. */
  byPublished(): OktaLogEvent[] {
    this.sync();
    if (!this.sortedCache) {
      this.sortedCache = [...this.events].sort((a, b) => comparePublished(a, b));
    }
    return this.sortedCache;
  }

  /** Picks up events pushed straight into `org.events`, or a replaced/truncated array. */
  private sync(): void {
    if (this.org.events !== this.events || this.org.events.length < this.persistedAt.length) {
      this.events = this.org.events;
      this.persistedAt = [];
    }
    while (this.persistedAt.length < this.events.length) {
      this.record(Date.parse(this.events[this.persistedAt.length].published));
    }
  }

  private record(time: number): void {
    const previous = this.persistedAt.length ? this.persistedAt[this.persistedAt.length - 1] : -Infinity;
    this.persistedAt.push(Math.max(previous, time));
    this.sortedCache = null;
  }
}

export function comparePublished(a: Pick<OktaLogEvent, 'published' | 'uuid'>, b: Pick<OktaLogEvent, 'published' | 'uuid'>): number {
  if (a.published !== b.published) return a.published < b.published ? -1 : 1;
  return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
}
