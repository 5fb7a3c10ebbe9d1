/**
 * What a consumer delivered: each event's position once (a redelivery after a retry is not
 * counted twice), the highest position, and the append → handled latency of events that carry
 * their send time.
 */
export class DeliveryTracker {
  readonly positions = new Set<number>();
  readonly latenciesMs: number[] = [];
  maxPosition = 0;

  /** Tracks events after position `after` (those up to it belong to earlier runs). */
  constructor(readonly after = 0) {}

  /** Records the event at `position`; `sentAt` is the performance.now() of its command, 0 when none. */
  record(position: number, sentAt: number): void {
    if (position <= this.after || this.positions.has(position)) return;
    this.positions.add(position);
    if (position > this.maxPosition) this.maxPosition = position;
    if (sentAt > 0) this.latenciesMs.push(performance.now() - sentAt);
  }

  get delivered(): number {
    return this.positions.size;
  }
}
