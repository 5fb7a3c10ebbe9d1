import type { Notification, Pool, PoolClient } from 'pg';

/** What a {@link NotificationListener} reports. */
export interface NotificationHandlers {
  /** A notification arrived on the channel. */
  readonly notified: (payload: string | undefined) => void;
  /**
   * LISTEN became active, at first or again after the connection dropped: notifications sent in
   * between were missed, so whoever waits for them should look for themselves.
   */
  readonly listening: () => void;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;

/**
 * One dedicated pooled connection that LISTENs on a channel. When its connection drops it is
 * destroyed and a new one is opened with exponential backoff (100 ms doubling to 5 s, jittered),
 * until {@link stop}.
 */
export class NotificationListener {
  private client: PoolClient | undefined;
  private connecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private started = false;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly handlers: NotificationHandlers,
  ) {}

  /** Opens the connection (once; later calls do nothing). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.connecting = this.connect();
  }

  /** Stops listening, cancels any reconnect and gives the connection back. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    if (client === undefined) return;
    try {
      await client.query(`UNLISTEN "${this.channel}"`);
      client.release();
    } catch {
      client.release(true);
    }
  }

  private async connect(): Promise<void> {
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const connected = client;
      const lost = (): void => this.lost(connected);
      connected.on('error', lost);
      connected.on('end', lost);
      connected.on('notification', (message: Notification) => {
        if (message.channel === this.channel && this.client === connected)
          this.handlers.notified(message.payload);
      });
      await connected.query(`LISTEN "${this.channel}"`);
      this.client = connected;
      this.failures = 0;
    } catch {
      client?.release(true);
      this.scheduleReconnect();
      return;
    } finally {
      this.connecting = undefined;
    }
    if (!this.stopped) this.safely(this.handlers.listening);
  }

  /** The connection `client` dropped: destroy it and open another, unless that already happened. */
  private lost(client: PoolClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.release(true);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.failures) * (0.75 + Math.random() / 2);
    this.failures++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.connecting = this.connect();
    }, delay);
    this.timer.unref();
  }

  private safely(callback: () => void): void {
    try {
      callback();
    } catch {
      // A listener only schedules a wake-up; its failure must not stop the listening.
    }
  }
}
