/**
 * Hostile rows inserted by hand into the events table, on PostgreSQL and MariaDB (see the
 * contract): payloads that would choose a prototype, null, malformed JSON, unknown classes and
 * names, and metadata the column holds but that is not an object of strings.
 */
import { hostileDataContract } from '../contracts/hostileDataContract';
import { describeWithService } from '../support/services';
import { databases, openStores, type SqlDatabase } from './databases';

for (const target of databases) {
  describeWithService(target.service, target.url)(`hostile rows on ${target.service}`, () => {
    let db: SqlDatabase | undefined;

    beforeAll(async () => {
      db = await target.create();
    });

    afterAll(async () => {
      await db?.drop();
    });

    hostileDataContract(target.service, async (prefix) => {
      if (db === undefined) throw new Error(`the ${target.service} database of this suite was not created`);
      const scoped = db.scoped(prefix);
      const stores = await openStores(scoped.place, { poolSize: 3 });
      const postgres = target.kind === 'postgres';
      return {
        ...stores,
        // jsonb refuses malformed JSON, but holds any JSON value; MariaDB's LONGTEXT holds anything.
        damagedMetadata: postgres ? '{"traceId":7}' : '{oops',
        async insertEvent(row) {
          const values = [row.aggregateId, row.aggregateVersion, row.eventName, row.payload, row.metadata];
          await scoped.query(
            postgres
              ? `INSERT INTO ${scoped.table('events')} (aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at)
                 VALUES ($1, $2, $3, 'default', $4, $5::jsonb, now())`
              : `INSERT INTO ${scoped.table('events')} (aggregate_id, aggregate_version, event_name, context, payload, metadata, created_at)
                 VALUES (?, ?, ?, 'default', ?, ?, UTC_TIMESTAMP(3))`,
            values,
          );
        },
        cleanup: () => stores.close(),
      };
    });
  });
}
