import { openStores, preload } from '../stores';
import { BalanceTable } from './balances';
import { ID_PREFIX } from './distributedRun';

/**
 * Creates a distributed system's tables (evento-ts's, by its migrations, prefixed `prefix`) with
 * `accounts` opened accounts, and their balances.
 */
export async function prepareTables(prefix: string, accounts: number): Promise<void> {
  const stores = await openStores('postgres', prefix);
  const balances = new BalanceTable(prefix);
  try {
    await preload(stores, {
      aggregates: accounts,
      perAggregate: 1,
      opened: true,
      order: 'grouped',
      idPrefix: ID_PREFIX,
    });
    await balances.fill(accounts, ID_PREFIX);
  } finally {
    await balances.close();
    await stores.close();
  }
}
