import type { ClusterInstance } from '../bus/messageBus';
import type { Announcement } from './announcement';

interface Entry {
  readonly announcement: Announcement;
  /** When it was last heard from, in ms since the epoch. */
  lastSeen: number;
}

/**
 * The bundle instances a bus knows of, from the discovery topic: who handles which command and
 * query names, and who has gone quiet for longer than the instance timeout (dropped).
 *
 * Time here is the discovery topic's: how recent the last record read is (every bus writes one
 * each heartbeat). While the broker cannot be read, that clock stops, and no instance is dropped
 * for a silence that is the reader's own.
 */
export class Directory {
  private readonly entries = new Map<string, Entry>();
  /** The instances bound to this bus now: its own announcements of others are stale. */
  private readonly localBound = new Set<string>();
  private clock = 0;

  constructor(
    private readonly instanceTimeoutMs: number,
    private readonly localBusId: string,
  ) {}

  /** Moves the clock to the time of a record just read. */
  observe(time: number): void {
    if (time > this.clock) this.clock = time;
  }

  /** Records an instance bound to this very bus. */
  bindLocal(announcement: Announcement, now: number): void {
    this.localBound.add(announcement.instanceId);
    this.announce(announcement, now);
  }

  /** Records an announcement read from the discovery topic. */
  announce(announcement: Announcement, seenAt: number): void {
    this.observe(seenAt);
    // This bus's own announcement of an instance unbound since, read late: it would bring it back.
    if (announcement.busId === this.localBusId && !this.localBound.has(announcement.instanceId)) return;
    const entry = this.entries.get(announcement.instanceId);
    if (entry !== undefined && entry.announcement.busId === announcement.busId)
      entry.lastSeen = Math.max(entry.lastSeen, seenAt);
    else this.entries.set(announcement.instanceId, { announcement, lastSeen: seenAt });
  }

  withdraw(instanceId: string): void {
    this.localBound.delete(instanceId);
    this.entries.delete(instanceId);
  }

  /** The bundle handling `name` with a live instance, if any. */
  owner(kind: 'command' | 'query', name: string): string | undefined {
    for (const entry of this.entries.values()) {
      if (!this.live(entry)) continue;
      const names = kind === 'command' ? entry.announcement.commandNames : entry.announcement.queryNames;
      if (names.includes(name)) return entry.announcement.bundleId;
    }
    return undefined;
  }

  /** A live instance of another bundle than `bundleId` claiming one of `names`, with the name. */
  claimant(
    kind: 'command' | 'query',
    names: readonly string[],
    bundleId: string,
  ): { bundleId: string; name: string } | undefined {
    for (const entry of this.entries.values()) {
      const a = entry.announcement;
      if (a.bundleId === bundleId || !this.live(entry)) continue;
      const claimed = kind === 'command' ? a.commandNames : a.queryNames;
      const name = names.find((n) => claimed.includes(n));
      if (name !== undefined) return { bundleId: a.bundleId, name };
    }
    return undefined;
  }

  /** Whether a live instance answers on `topic`. */
  hasReplyTopic(topic: string): boolean {
    for (const entry of this.entries.values())
      if (entry.announcement.replyTopic === topic && this.live(entry)) return true;
    return false;
  }

  /** Whether an instance has not been heard from within the timeout. */
  anyExpired(): boolean {
    for (const entry of this.entries.values()) if (!this.live(entry)) return true;
    return false;
  }

  /** Removes the instances not heard from within the timeout, and returns them. */
  dropExpired(): Announcement[] {
    const dropped: Announcement[] = [];
    for (const [id, entry] of this.entries) {
      if (!this.live(entry)) {
        this.entries.delete(id);
        dropped.push(entry.announcement);
      }
    }
    return dropped;
  }

  /**
   * The live instances. Liveness runs on the discovery topic's clock; `now` (ms since the epoch)
   * is only the last sign of life shown for this bus's own instances, which are live while it is.
   */
  instances(now: number): ClusterInstance[] {
    return [...this.entries.values()]
      .filter((e) => this.live(e))
      .map(({ announcement: a, lastSeen }) => ({
        bundleId: a.bundleId,
        bundleVersion: a.bundleVersion ?? undefined,
        instanceId: a.instanceId,
        commandNames: a.commandNames,
        queryNames: a.queryNames,
        local: a.busId === this.localBusId,
        lastSeen: new Date(a.busId === this.localBusId ? now : lastSeen),
      }));
  }

  private live(entry: Entry): boolean {
    return (
      entry.announcement.busId === this.localBusId || this.clock - entry.lastSeen <= this.instanceTimeoutMs
    );
  }
}
