/**
 * The highest sequence number known to be safe to read up to (see postgresEventStore.ts for why a
 * computed value stays safe forever), with refreshes coalesced: callers that arrive while a
 * computation runs share the next one, which starts after it, so every caller gets a value
 * computed after its call began (an event committed before the call is never missed).
 */
export class SafeHead {
  private known = 0;
  private running: Promise<number> | undefined;
  private queued: Promise<number> | undefined;

  constructor(private readonly compute: () => Promise<number>) {}

  /** The newest computed value (0 before the first); always safe, possibly behind. */
  get cached(): number {
    return this.known;
  }

  /** A value computed by a run that started after this call. */
  refresh(): Promise<number> {
    const running = this.running;
    if (running === undefined) return this.start();
    this.queued ??= running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<number> {
    this.queued = undefined;
    return this.start();
  }

  private start(): Promise<number> {
    const run = this.compute()
      .then((head) => {
        this.known = Math.max(this.known, head);
        return this.known;
      })
      .finally(() => {
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
    return run;
  }
}
