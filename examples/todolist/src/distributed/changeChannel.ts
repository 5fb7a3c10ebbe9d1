import { Client, escapeIdentifier, type Pool } from 'pg';
import type { ChangeFeed } from '../api/changeFeed';
import type { TodoListChange, TodoListChangeNotifier } from '../domain/todolist/TodoListChangeNotifier';

/**
 * The PostgreSQL notification channel that carries the projector's committed changes from the
 * domain process to every API process (NOTIFY reaches every listener of the database, however
 * many API processes run). One per schema, so TodoLists in two schemas of one database stay apart.
 */
export function changeChannel(schema: string | undefined): string {
  return schema === undefined ? 'todolist_changes' : `todolist_changes.${schema}`;
}

/** Domain side: sends each change of `feed` (delivered once committed) on `channel`. */
export function publishChanges(
  feed: ChangeFeed,
  pool: Pool,
  channel: string,
  onError: (error: unknown) => void,
): () => void {
  return feed.subscribe((change) => {
    pool.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(change)]).catch(onError);
  });
}

const CHANGES: readonly string[] = ['created', 'updated', 'deleted'] satisfies TodoListChange['change'][];

/** The change a notification carries, or undefined when it is not one. */
function parseChange(payload: string | undefined): TodoListChange | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Partial<TodoListChange>;
    if (typeof value.identifier === 'string' && CHANGES.includes(value.change ?? ''))
      return { identifier: value.identifier, change: value.change as TodoListChange['change'] };
  } catch {
    // not JSON: not ours
  }
  return undefined;
}

const RECONNECT_MS = 1000;

/**
 * API side: listens on `channel` and publishes each change to `notifier` (what the SSE routes
 * stream). A lost connection is reopened every second until it succeeds; the changes sent
 * meanwhile are missed (the page reads the list again when its stream reconnects).
 */
export class ChangeListener {
  private client: Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  private constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly notifier: TodoListChangeNotifier,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resolves once it listens; rejects when the first connection fails. */
  static async start(
    url: string,
    channel: string,
    notifier: TodoListChangeNotifier,
    onError: (error: unknown) => void,
  ): Promise<ChangeListener> {
    const listener = new ChangeListener(url, channel, notifier, onError);
    await listener.connect();
    return listener;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end();
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'evento-todolist-api' });
    client.on('notification', (message) => {
      const change = parseChange(message.payload);
      if (message.channel === this.channel && change !== undefined) this.notifier.publish(change);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error(`The connection listening on ${this.channel} ended`)));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(this.channel)}`);
      if (this.closed) await client.end(); // closed while reconnecting
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private lost(client: Client, error: unknown): void {
    if (this.closed || client !== this.client) return;
    this.client = undefined;
    this.onError(error);
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.connect().catch((cause: unknown) => this.lost(this.client ?? client, cause));
    }, RECONNECT_MS);
  }
}
