import { EventoBundle } from '../../src';
import { scopeWith } from '../consumers/support';
import { databases, openStores } from './databases';
import { appendAccounts, Ledger, LedgerProjector } from './ledger';

it('debug', async () => {
  const target = databases[1]!;
  const db = await target.create();
  const stores = await openStores(db.place);
  for (const s of Ledger.on(db).ddl()) await db.query(s);
  await appendAccounts(stores.eventStore, 50, 49);
  const commits: string[] = [];
  const orig = stores.stateStore.commit.bind(stores.stateStore);
  stores.stateStore.commit = async (c, w) => {
    try { const r = await orig(c, w); commits.push(`ok ${c.offset} ${w !== undefined}`); return r; }
    catch (e) { commits.push(`fail ${c.offset} ${String(e)} ${String((e as any).cause)}`); throw e; }
  };
  const ledger = Ledger.on(db);
  const bundle = await EventoBundle.builder().setBundleId('dbg').setComponents([LedgerProjector]).setEventStore(stores.eventStore).setConsumerStateStore(stores.stateStore).setContainer(scopeWith(ledger)).start();
  await bundle.untilIdle();
  console.log(commits.slice(0, 20).join('\n'), commits.length);
  await bundle.stop();
  await stores.close();
  await db.drop();
}, 60000);
