import type { PoolConnection } from 'mysql2/promise';
import { MysqlEventStore, type MysqlEventStoreOptions } from '../../src/mysql';

/** A MysqlEventStore whose appends run `hold` inside their transaction, just before COMMIT. */
export class HeldEventStore extends MysqlEventStore {
  /** What each append does before it commits; nothing unless a test sets it. */
  hold: (connection: PoolConnection) => Promise<void> = async () => undefined;

  static async open(options: MysqlEventStoreOptions): Promise<HeldEventStore> {
    const store = new HeldEventStore(options);
    await store.init();
    return store;
  }

  protected override async beforeCommit(connection: PoolConnection): Promise<void> {
    await this.hold(connection);
  }
}
