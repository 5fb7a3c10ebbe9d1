/**
 * A read model kept in the same database as the consumer state, written by projectors through
 * their StoreTransaction, and a check that it equals the events.
 *
 * Two tables per place: `rm_applied` has one row per (projector, event) it applied, its primary key
 * refusing a second application, and who applied it when (database clock); `rm_accounts` keeps, per projector and
 * account, a counter of events applied and the sum of deposited amounts, both incremented (not
 * set), so an event applied twice or lost shows in them even where no key could catch it.
 */
import { randomInt } from 'node:crypto';
import {
  EventHandler,
  Projector,
  PublishedEvent,
  StoreTransaction,
  type EventStore,
  type StoredEvent,
} from '../../src';
import { AccountOpened, Deposited } from '../domain/bank';
import type { DatabaseKind, SqlDatabase } from './databases';

/** What a projector hands the ledger for one event. */
export interface LedgerEntry {
  readonly projector: string;
  readonly sequenceNumber: number;
  readonly accountId: string;
  readonly amount: number;
}

/** What a {@link Ledger} does besides writing. */
export interface LedgerOptions {
  /** Recorded in `rm_applied.handled_by`: the instance that applied the event. */
  readonly handledBy?: string;
  /** Waits this long (ms) after writing each event, to make a batch take a while. */
  readonly delayMs?: number;
  /** Called after each entry is written, inside the (uncommitted) transaction. */
  readonly onApplied?: (entry: LedgerEntry) => void;
  /** Entries for which the handler throws (after writing): a poison event. */
  readonly poison?: (entry: LedgerEntry) => boolean;
  /** Runs before each entry is written, with the transaction's client. */
  readonly beforeApply?: (client: unknown, entry: LedgerEntry) => Promise<void>;
}

/** What a transaction handle must offer: both a pg PoolClient and a mysql2 PoolConnection do. */
interface Queryable {
  query(sql: string, values: unknown[]): Promise<unknown>;
}

function queryable(client: unknown): Queryable {
  if (typeof client !== 'object' || client === null || typeof (client as Queryable).query !== 'function') {
    throw new TypeError(
      'The ledger needs a StoreTransaction with a database client (a SQL consumer state store).',
    );
  }
  return client as Queryable;
}

/** Thrown for a poison entry. */
export class PoisonError extends RangeError {
  constructor(entry: LedgerEntry) {
    super(`${entry.amount} is unlucky (event ${entry.sequenceNumber})`);
    this.name = 'PoisonError';
  }
}

/** The read model's tables on one database, and how projectors write them. */
export class Ledger {
  constructor(
    readonly kind: DatabaseKind,
    /** The quoted name of a ledger table (schema-qualified on PostgreSQL). */
    private readonly table: (name: 'rm_applied' | 'rm_accounts') => string,
    private readonly options: LedgerOptions = {},
  ) {}

  /** A ledger on a test database's place. */
  static on(db: SqlDatabase, options: LedgerOptions = {}): Ledger {
    return new Ledger(db.place.kind, (name) => db.table(name), options);
  }

  /** The DDL of the ledger's tables. */
  ddl(): string[] {
    const applied = this.table('rm_applied');
    const accounts = this.table('rm_accounts');
    if (this.kind === 'postgres') {
      return [
        `CREATE TABLE ${applied} (projector text NOT NULL, sequence_number bigint NOT NULL,
           account_id text NOT NULL, amount int NOT NULL, handled_by text NOT NULL,
           applied_at timestamptz NOT NULL, PRIMARY KEY (projector, sequence_number))`,
        `CREATE TABLE ${accounts} (projector text NOT NULL, account_id text NOT NULL,
           events int NOT NULL, total bigint NOT NULL, PRIMARY KEY (projector, account_id))`,
      ];
    }
    return [
      `CREATE TABLE ${applied} (projector VARCHAR(100) NOT NULL, sequence_number BIGINT NOT NULL,
         account_id VARCHAR(100) NOT NULL, amount INT NOT NULL, handled_by VARCHAR(100) NOT NULL,
         applied_at DATETIME(6) NOT NULL, PRIMARY KEY (projector, sequence_number)) ENGINE=InnoDB`,
      `CREATE TABLE ${accounts} (projector VARCHAR(100) NOT NULL, account_id VARCHAR(100) NOT NULL,
         events INT NOT NULL, total BIGINT NOT NULL, PRIMARY KEY (projector, account_id)) ENGINE=InnoDB`,
    ];
  }

  /** Writes `entry` through the consumer's transaction handle. */
  async apply(client: unknown, entry: LedgerEntry): Promise<void> {
    const db = queryable(client);
    await this.options.beforeApply?.(client, entry);
    const by = this.options.handledBy ?? 'test';
    const { projector, sequenceNumber, accountId, amount } = entry;
    if (this.kind === 'postgres') {
      await db.query(
        `INSERT INTO ${this.table('rm_applied')} (projector, sequence_number, account_id, amount, handled_by, applied_at)
         VALUES ($1, $2, $3, $4, $5, clock_timestamp())`,
        [projector, sequenceNumber, accountId, amount, by],
      );
      await db.query(
        `INSERT INTO ${this.table('rm_accounts')} AS a (projector, account_id, events, total) VALUES ($1, $2, 1, $3)
         ON CONFLICT (projector, account_id) DO UPDATE SET events = a.events + 1, total = a.total + EXCLUDED.total`,
        [projector, accountId, amount],
      );
    } else {
      await db.query(
        `INSERT INTO ${this.table('rm_applied')} (projector, sequence_number, account_id, amount, handled_by, applied_at)
         VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6))`,
        [projector, sequenceNumber, accountId, amount, by],
      );
      await db.query(
        `INSERT INTO ${this.table('rm_accounts')} (projector, account_id, events, total) VALUES (?, ?, 1, ?)
         ON DUPLICATE KEY UPDATE events = events + 1, total = total + VALUES(total)`,
        [projector, accountId, amount],
      );
    }
    if (this.options.poison?.(entry) === true) throw new PoisonError(entry);
    this.options.onApplied?.(entry);
    const delay = this.options.delayMs ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Applies AccountOpened (amount 0) and Deposited to the ledger, in the consumer's transaction. */
@Projector({ batchSize: 100 })
export class LedgerProjector {
  constructor(private readonly ledger: Ledger) {}

  @EventHandler()
  async onOpened(event: AccountOpened, published: PublishedEvent, tx: StoreTransaction): Promise<void> {
    await this.ledger.apply(tx.client, this.entry(published, event.accountId, 0));
  }

  @EventHandler()
  async onDeposited(event: Deposited, published: PublishedEvent, tx: StoreTransaction): Promise<void> {
    await this.ledger.apply(tx.client, this.entry(published, event.accountId, event.amount));
  }

  private entry(published: PublishedEvent, accountId: string, amount: number): LedgerEntry {
    return { projector: this.constructor.name, sequenceNumber: published.sequenceNumber, accountId, amount };
  }
}

/** A second, independent ledger projector (its own consumer, its own rows). */
@Projector({ batchSize: 50 })
export class SecondLedgerProjector extends LedgerProjector {}

/** The projectors a worker process can be told to run, by name. */
export const ledgerProjectors: Readonly<Record<string, Function>> = {
  LedgerProjector,
  SecondLedgerProjector,
};

/** How a ledger differs from the events; all empty when it equals them. */
export interface LedgerDiff {
  /** Handled events with no row. */
  readonly missing: number[];
  /** Rows for no handled event. */
  readonly extra: number[];
  /** Accounts whose counter or total is not what the events add up to. */
  readonly wrongAccounts: string[];
}

/** The events a ledger projector handles, with the account and amount of each. */
export async function ledgerEvents(store: EventStore): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let after = 0;
  for (;;) {
    const batch: StoredEvent[] = await store.readStream({ after, limit: 5000 });
    for (const event of batch) {
      if (event.eventName !== 'AccountOpened' && event.eventName !== 'Deposited') continue;
      const payload = JSON.parse(event.payload) as { accountId: string; amount?: number };
      entries.push({
        projector: '',
        sequenceNumber: event.sequenceNumber,
        accountId: payload.accountId,
        amount: payload.amount ?? 0,
      });
    }
    const last = batch[batch.length - 1];
    if (last === undefined) return entries;
    after = last.sequenceNumber;
  }
}

/** What {@link diffLedger} returns when the ledger holds exactly the expected entries. */
export const NO_DIFFERENCES = { missing: [], extra: [], wrongAccounts: [] } as const;

/** {@link diffLedger} against every ledger event stored in `store`. */
export async function diffLedgerWithStore(
  db: SqlDatabase,
  projector: string,
  store: EventStore,
): Promise<Awaited<ReturnType<typeof diffLedger>>> {
  return diffLedger(db, projector, await ledgerEvents(store));
}

/**
 * Compares what `projector` wrote to the ledger with `expected` (from {@link ledgerEvents}, maybe
 * filtered): every event applied, none applied twice, none invented.
 */
export async function diffLedger(
  db: SqlDatabase,
  projector: string,
  expected: readonly LedgerEntry[],
): Promise<LedgerDiff> {
  const p = db.place.kind === 'postgres' ? '$1' : '?';
  const rows = await db.query(
    `SELECT sequence_number FROM ${db.table('rm_applied')} WHERE projector = ${p} ORDER BY sequence_number`,
    [projector],
  );
  const applied = new Set(rows.map((row) => Number(row.sequence_number)));
  const wanted = new Set(expected.map((e) => e.sequenceNumber));
  const accounts = new Map<string, { events: number; total: number }>();
  for (const entry of expected) {
    const account = accounts.get(entry.accountId) ?? { events: 0, total: 0 };
    account.events++;
    account.total += entry.amount;
    accounts.set(entry.accountId, account);
  }
  const stored = await db.query(
    `SELECT account_id, events, total FROM ${db.table('rm_accounts')} WHERE projector = ${p}`,
    [projector],
  );
  const wrongAccounts: string[] = [];
  for (const row of stored) {
    const id = String(row.account_id);
    const want = accounts.get(id);
    accounts.delete(id);
    if (want === undefined || want.events !== Number(row.events) || want.total !== Number(row.total))
      wrongAccounts.push(
        `${id}: ${String(row.events)} events, total ${String(row.total)}; expected ${want?.events ?? 0}, ${want?.total ?? 0}`,
      );
  }
  for (const [id, want] of accounts)
    wrongAccounts.push(`${id}: no row; expected ${want.events} events, total ${want.total}`);
  return {
    missing: [...wanted].filter((n) => !applied.has(n)),
    extra: [...applied].filter((n) => !wanted.has(n)),
    wrongAccounts,
  };
}

/** One ledger row: an event a projector applied, who applied it and when (database clock). */
export interface LedgerRow {
  readonly sequenceNumber: number;
  readonly handledBy: string;
  readonly appliedAt: Date;
}

/** The ledger's rows of `projector`, in sequence order. */
export async function ledgerRows(db: SqlDatabase, projector: string): Promise<LedgerRow[]> {
  const p = db.place.kind === 'postgres' ? '$1' : '?';
  const rows = await db.query(
    `SELECT sequence_number, handled_by, applied_at FROM ${db.table('rm_applied')} WHERE projector = ${p} ORDER BY sequence_number`,
    [projector],
  );
  return rows.map((row) => ({
    sequenceNumber: Number(row.sequence_number),
    handledBy: String(row.handled_by),
    // PostgreSQL gives a Date; MariaDB (dateStrings) 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC.
    appliedAt:
      row.applied_at instanceof Date
        ? row.applied_at
        : new Date(`${String(row.applied_at).replace(' ', 'T')}Z`),
  }));
}

/** Serialized events for the bank domain, as the framework writes them. */
export function openedEvent(accountId: string) {
  return bankEvent('AccountOpened', {
    accountId,
    owner: 'o',
    openedAt: { $date: new Date(0).toISOString() },
  });
}

export function depositedEvent(accountId: string, amount: number) {
  return bankEvent('Deposited', { accountId, amount });
}

function bankEvent(eventName: string, payload: object) {
  return {
    eventName,
    context: 'default',
    payload: JSON.stringify(payload),
    metadata: {},
    createdAt: new Date(),
  };
}

/**
 * Appends `accounts` accounts with `deposits` deposits each (random amounts 1..1000), up to 10
 * events per append, from `writers` concurrent writers (each owning its accounts, so no conflicts).
 * Resolves to the number of events appended.
 */
export async function appendAccounts(
  store: EventStore,
  accounts: number,
  deposits: number,
  writers = 4,
  tag = randomInt(1_000_000).toString(36),
): Promise<number> {
  const ids = Array.from({ length: accounts }, (_, i) => `${tag}-${i}`);
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let a = w; a < ids.length; a += writers) {
        const id = ids[a] as string;
        const events = [
          openedEvent(id),
          ...Array.from({ length: deposits }, () => depositedEvent(id, randomInt(1, 1001))),
        ];
        for (let i = 0; i < events.length; i += 10)
          await store.append({ aggregateId: id, expectedVersion: i, events: events.slice(i, i + 10) });
      }
    }),
  );
  return accounts * (deposits + 1);
}
