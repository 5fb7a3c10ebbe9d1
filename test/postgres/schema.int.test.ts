import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '../../src/errors';
import { PostgresConsumerStateStore, PostgresEventStore } from '../../src/postgres';
import { Connection } from '../../src/postgres/connection';
import { TableNames } from '../../src/postgres/identifiers';
import { migrate, type Migration } from '../../src/postgres/migrations';
import { describeWithService, PG_URL } from '../support/services';
import { dropSchema, newPool, newSchemaName } from './support';
import { eventually, rejectionOf } from '../support/waiting';

const RULE = '/^[a-z_][a-z0-9_]{0,40}$/';

describe('PostgreSQL store options', () => {
  // Nothing here connects: the options are rejected before any connection is made.
  const nowhere = 'postgres://nobody@127.0.0.1:1/none';
  const invalid: unknown[] = [
    '',
    'Evento_',
    'evento-',
    '1evento',
    'evento_"; DROP TABLE users; --',
    "evento'",
    'évento',
    'a'.repeat(42),
    42,
    null,
  ];

  it.each(invalid)(
    'rejects the tablePrefix %p with a ConfigurationError naming it and the rule',
    (prefix) => {
      for (const Store of [PostgresEventStore, PostgresConsumerStateStore]) {
        let error: unknown;
        try {
          new Store({ connectionString: nowhere, tablePrefix: prefix as string });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigurationError);
        const message = (error as Error).message;
        expect(message).toContain('tablePrefix');
        expect(message).toContain(RULE);
        if (typeof prefix === 'string') expect(message).toContain(JSON.stringify(prefix));
      }
    },
  );

  it.each(invalid.filter((v) => v !== null))('rejects the schema %p the same way', (schema) => {
    expect(() => new PostgresEventStore({ connectionString: nowhere, schema: schema as string })).toThrow(
      ConfigurationError,
    );
    expect(() => new PostgresEventStore({ connectionString: nowhere, schema: schema as string })).toThrow(
      /schema .* is not allowed: it must match/,
    );
  });

  it('accepts prefixes and schemas that follow the rule, defaulting the prefix to evento_', async () => {
    for (const name of ['evento_', '_x', 'a', 'a'.repeat(41), 'app1_events_']) {
      const names = new TableNames(name, name);
      expect(names.table('events')).toBe(`"${name}"."${name}events"`);
    }
    expect(new TableNames(undefined, undefined).table('events')).toBe('"evento_events"');
    const store = new PostgresEventStore({ connectionString: nowhere });
    await store.close();
  });

  it('rejects an unknown migrate mode', () => {
    expect(
      () => new PostgresEventStore({ connectionString: nowhere, migrate: 'auto' as unknown as 'apply' }),
    ).toThrow(ConfigurationError);
  });

  it('keeps NOTIFY channel names within 63 bytes', () => {
    const names = new TableNames('p'.repeat(41), 's'.repeat(41));
    expect(names.channel().length).toBeLessThanOrEqual(63);
    expect(names.channel()).not.toBe(new TableNames('p'.repeat(41), 't'.repeat(41)).channel());
  });
});

describeWithService('PostgreSQL', PG_URL)('PostgreSQL schema migrations', () => {
  const schemas: string[] = [];
  const schema = (): string => {
    const name = newSchemaName();
    schemas.push(name);
    return name;
  };

  afterAll(async () => {
    for (const name of schemas) await dropSchema(name);
  });

  it("with migrate: 'verify' a missing schema is a ConfigurationError that says to apply", async () => {
    const s = schema();
    const options = { connectionString: PG_URL, schema: s, migrate: 'verify' } as const;
    for (const start of [
      () => PostgresEventStore.create(options),
      () => PostgresConsumerStateStore.create(options),
    ]) {
      const error = await rejectionOf(start());
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain("migrate: 'apply'");
    }
    // Verifying created nothing.
    const pool = newPool();
    try {
      const { rows } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [s]);
      expect(rows).toHaveLength(0);
    } finally {
      await pool.end();
    }
  });

  it("'apply' creates the tables, after which 'verify' passes and the store works", async () => {
    const s = schema();
    const applied = await PostgresEventStore.create({ connectionString: PG_URL, schema: s });
    await applied.close();
    const verified = await PostgresEventStore.create({
      connectionString: PG_URL,
      schema: s,
      migrate: 'verify',
    });
    try {
      const [event] = await verified.append({
        aggregateId: 'a-1',
        expectedVersion: 0,
        events: [{ eventName: 'E', context: 'c', payload: '{}', metadata: {}, createdAt: new Date() }],
      });
      expect(event?.aggregateVersion).toBe(1);
    } finally {
      await verified.close();
    }
    // The consumer state store's tables are a separate component of the same migrations table.
    await expect(
      PostgresConsumerStateStore.create({ connectionString: PG_URL, schema: s, migrate: 'verify' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("'verify' rejects an outdated schema and 'apply' upgrades it; a newer schema is rejected by both", async () => {
    const s = schema();
    const names = new TableNames('evento_', s);
    const v1: Migration = {
      version: 1,
      description: 'one',
      statements: (n) => [`CREATE TABLE ${n.table('one')} (x int)`],
    };
    const v2: Migration = {
      version: 2,
      description: 'two',
      statements: (n) => [`ALTER TABLE ${n.table('one')} ADD y int`],
    };
    const connection = new Connection({ connectionString: PG_URL });
    try {
      await migrate(connection, names, 'test component', [v1], 'apply');
      const outdated = await rejectionOf(migrate(connection, names, 'test component', [v1, v2], 'verify'));
      expect(outdated).toBeInstanceOf(ConfigurationError);
      expect((outdated as Error).message).toMatch(/at version 1 of 2.*migrate: 'apply'/);

      await migrate(connection, names, 'test component', [v1, v2], 'apply');
      await migrate(connection, names, 'test component', [v1, v2], 'verify');
      const [row] = await connection.query<{ versions: number[] }>(
        'test',
        `SELECT array_agg(version ORDER BY version) AS versions FROM ${names.table('migrations')} WHERE component = $1`,
        ['test component'],
      );
      expect(row?.versions).toEqual([1, 2]);
      await connection.query('test', `SELECT x, y FROM ${names.table('one')}`);

      for (const mode of ['apply', 'verify'] as const) {
        const newer = await rejectionOf(migrate(connection, names, 'test component', [v1], mode));
        expect(newer).toBeInstanceOf(ConfigurationError);
        expect((newer as Error).message).toContain('newer');
      }
    } finally {
      await connection.end();
    }
  });

  it('stores starting at the same time on an empty schema migrate it exactly once', async () => {
    const s = schema();
    const starts = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0
        ? PostgresEventStore.create({ connectionString: PG_URL, schema: s })
        : PostgresConsumerStateStore.create({ connectionString: PG_URL, schema: s }),
    );
    const results = await Promise.allSettled(starts);
    const stores = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const pool = newPool();
      try {
        const { rows } = await pool.query<{ component: string; version: number }>(
          `SELECT component, version FROM "${s}".evento_migrations ORDER BY component, version`,
        );
        expect(rows).toEqual([
          { component: 'consumer state store', version: 1 },
          { component: 'consumer state store', version: 2 },
          { component: 'event store', version: 1 },
          { component: 'event store', version: 2 },
          { component: 'event store', version: 3 },
        ]);
      } finally {
        await pool.end();
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('two prefixes in one schema get separate tables', async () => {
    const s = schema();
    const a = await PostgresEventStore.create({ connectionString: PG_URL, schema: s, tablePrefix: 'a_' });
    const b = await PostgresEventStore.create({ connectionString: PG_URL, schema: s, tablePrefix: 'b_' });
    try {
      const event = { eventName: 'E', context: 'c', payload: '{}', metadata: {}, createdAt: new Date() };
      await a.append({ aggregateId: 'x', expectedVersion: 0, events: [event] });
      expect(await b.readAggregate('x')).toEqual([]);
      expect(await a.readAggregate('x')).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a store ends the pool it created, and leaves a pool it was given open', async () => {
    const s = schema();
    const applicationName = `evento_owned_${randomBytes(4).toString('hex')}`;
    const owned = await PostgresEventStore.create({
      connectionString: PG_URL,
      schema: s,
      poolConfig: { application_name: applicationName },
    });
    await owned.headSequence();
    const pool = newPool();
    const given = await PostgresConsumerStateStore.create({ pool, schema: s });
    try {
      await given.ensureConsumer('c', 0);
      const count = async (): Promise<number> =>
        Number(
          (
            await pool.query<{ n: string }>(
              'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
              [applicationName],
            )
          ).rows[0]?.n,
        );
      expect(await count()).toBeGreaterThan(0);
      await owned.close();
      await given.close();
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await eventually(async () => (await count()) === 0);
    } finally {
      await pool.end();
    }
  });
});

describeWithService('PostgreSQL', PG_URL)('PostgreSQL connection settings', () => {
  it('a database that does not exist is a ConfigurationError that says what to fix', async () => {
    const url = new URL(PG_URL);
    url.pathname = `/evento_missing_${randomBytes(4).toString('hex')}`;
    const error = await rejectionOf(PostgresEventStore.create({ connectionString: url.toString() }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(String(error)).toMatch(/create the database, or fix its name/);
  });
});
