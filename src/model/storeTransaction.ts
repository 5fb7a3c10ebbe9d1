/**
 * Injected into a consumer's event handler when its consumer runs in exactly-once mode: the
 * consumer state store's open transaction, committed together with the consumer's offset.
 * `client` is the store's own handle: a `pg` PoolClient, a `mysql2` PoolConnection, or undefined
 * for the in-memory store. Write the read model through it, and never commit or release it.
 */
export class StoreTransaction<C = unknown> {
  constructor(
    /** The store's open transaction: a `pg` PoolClient, a `mysql2` PoolConnection, or undefined in memory. */
    readonly client: C,
  ) {}
}
