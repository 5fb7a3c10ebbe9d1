/**
 * A database per suite, and per test a table prefix of its own holding its stores' tables and its
 * ledger: the setup the SQL bundle, batching and connection-loss suites share.
 */
import { Ledger } from './ledger';
import {
  openStores,
  type DatabaseTarget,
  type SqlDatabase,
  type StoreOptions,
  type Stores,
} from './databases';
import { probedStateStore, type StoreProbe } from './instrumentedStores';

export interface LedgerScope {
  readonly scoped: SqlDatabase;
  readonly stores: Stores;
  readonly ledger: Ledger;
}

/**
 * Creates `target`'s database before the suite and drops it after, closing every store opened;
 * returns the function a test calls for its scope (with `probe`, the state store counts its work).
 */
export function ledgerScopes(
  target: DatabaseTarget,
  storeOptions: Omit<StoreOptions, 'stateStore'> = {},
): (prefix: string, probe?: StoreProbe) => Promise<LedgerScope> {
  let db: SqlDatabase | undefined;
  const open: Stores[] = [];

  beforeAll(async () => {
    db = await target.create();
  });

  afterAll(async () => {
    for (const stores of open) await stores.close();
    await db?.drop();
  });

  return async (prefix, probe) => {
    if (db === undefined) throw new Error(`the ${target.service} database of this suite was not created`);
    const scoped = db.scoped(prefix);
    const ledger = Ledger.on(scoped);
    for (const statement of ledger.ddl()) await scoped.query(statement);
    const stores = await openStores(
      scoped.place,
      probe === undefined ? storeOptions : { ...storeOptions, stateStore: probedStateStore(probe) },
    );
    open.push(stores);
    return { scoped, stores, ledger };
  };
}

/**
 * Creates `target`'s database before the suite, with its stores and the ledger's tables, and
 * closes and drops them after; returns the function a test reads them with.
 */
export function ledgerDatabase(target: DatabaseTarget): () => { db: SqlDatabase; stores: Stores } {
  let db: SqlDatabase | undefined;
  let stores: Stores | undefined;

  beforeAll(async () => {
    db = await target.create();
    stores = await openStores(db.place);
    for (const statement of Ledger.on(db).ddl()) await db.query(statement);
  });

  afterAll(async () => {
    await stores?.close();
    await db?.drop();
  });

  return () => {
    if (db === undefined || stores === undefined)
      throw new Error(`the ${target.service} database of this suite was not created`);
    return { db, stores };
  };
}
