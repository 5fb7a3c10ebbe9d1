/**
 * What a MariaDB/MySQL server refuses and how the stores say so: statements over
 * max_allowed_packet are refused before they are sent, with the limit and how to raise it; and the
 * stores' connections say who they are (connection attributes).
 */
import type { Pool } from 'mysql2/promise';
import { ConfigurationError, PayloadTooLargeError } from '../../src/errors';
import { MysqlEventStore } from '../../src/mysql';
import { connectAttributes } from '../../src/mysql/connection';
import { mapDriverError } from '../../src/mysql/errors';
import { describeWithService, MYSQL_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from './mysqlTestDb';

function event(payload: string) {
  return { eventName: 'Deposited', context: 'default', payload, metadata: {}, createdAt: new Date() };
}

describeWithService('MariaDB', MYSQL_URL)('MySQL store limits and identity', () => {
  let db: TestDatabase;
  let store: MysqlEventStore;
  let limit: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await MysqlEventStore.create({
      uri: db.uri,
      connectionAttributes: { bundleId: 'bank', instanceId: 'instance-7' },
    });
    const [rows] = await db.admin.query('SELECT @@max_allowed_packet AS max_packet');
    limit = Number((rows as { max_packet: number }[])[0]?.max_packet);
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('refuses an event larger than max_allowed_packet with PayloadTooLargeError saying the limit and how to raise it; nothing is stored and the store goes on', async () => {
    const head = await store.headSequence();
    const payload = `{"blob":"${'x'.repeat(limit + 1024)}"}`;
    let refused: unknown;
    await store
      .append({ aggregateId: 'big', expectedVersion: 0, events: [event(payload)] })
      .catch((error: unknown) => (refused = error));
    expect(refused).toBeInstanceOf(PayloadTooLargeError);
    const message = (refused as Error).message;
    expect(message).toContain(`The event Deposited for aggregate big takes`);
    expect(message).toContain(`max_allowed_packet of ${(limit / 2 ** 20).toFixed(1)} MiB (${limit} bytes)`);
    expect(message).toMatch(
      /SET GLOBAL max_allowed_packet = \d+; and max_allowed_packet = \d+M under \[mysqld\]/,
    );
    expect(await store.headSequence()).toBe(head);
    await store.append({ aggregateId: 'big', expectedVersion: 0, events: [event('{"blob":"small"}')] });
    expect(await store.headSequence()).toBe(head + 1);
  }, 60_000);

  it('counts escaping: a payload under the limit whose escaped statement is over it is refused too', async () => {
    // Every quote is sent escaped (two bytes): 0.6 of the limit in quotes makes 1.2 of it.
    const payload = `{"q":"${'\\"'.repeat(Math.ceil((limit * 0.6) / 2))}"}`;
    expect(Buffer.byteLength(payload)).toBeLessThan(limit);
    await expect(
      store.append({ aggregateId: 'quoted', expectedVersion: 0, events: [event(payload)] }),
    ).rejects.toThrow(
      /The event Deposited for aggregate quoted takes .* more than the server's max_allowed_packet/,
    );
  }, 60_000);

  it('refuses a snapshot larger than max_allowed_packet the same way', async () => {
    await expect(
      store.saveSnapshot({
        aggregateId: 'big',
        aggregateVersion: 1,
        stateName: 'AccountState',
        state: `{"blob":"${'x'.repeat(limit)}"}`,
        createdAt: new Date(),
      }),
    ).rejects.toThrow(/The snapshot AccountState of aggregate big takes .* max_allowed_packet/);
  }, 60_000);

  it('maps the server refusing a packet (ER_NET_PACKET_TOO_LARGE) to PayloadTooLargeError', () => {
    const raw = Object.assign(new Error("Got a packet bigger than 'max_allowed_packet' bytes"), {
      errno: 1153,
      code: 'ER_NET_PACKET_TOO_LARGE',
    });
    const mapped = mapDriverError(raw, 'appending to aggregate a');
    expect(mapped).toBeInstanceOf(PayloadTooLargeError);
    expect((mapped as Error).message).toMatch(
      /while appending to aggregate a: .*raise the server's max_allowed_packet/,
    );
  });

  it('opens connections that name the program, bundle and instance', async () => {
    expect(connectAttributes({ bundleId: 'bank', instanceId: 'i' })).toEqual({
      program_name: 'evento-ts',
      evento_bundle: 'bank',
      evento_instance: 'i',
    });
    expect(() => connectAttributes({ bundleId: '' })).toThrow(ConfigurationError);
    const pool = (store as unknown as { pool: Pool }).pool;
    const [enabled] = await db.admin.query('SELECT @@performance_schema AS on_');
    if (Number((enabled as { on_: number }[])[0]?.on_) === 1) {
      // Where the server records them, the DBA sees them.
      const connection = await pool.getConnection();
      try {
        const [rows] = await connection.query(
          "SELECT ATTR_NAME AS name, ATTR_VALUE AS value FROM performance_schema.session_connect_attrs WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME IN ('program_name', 'evento_bundle', 'evento_instance') ORDER BY ATTR_NAME",
        );
        expect(rows).toEqual([
          { name: 'evento_bundle', value: 'bank' },
          { name: 'evento_instance', value: 'instance-7' },
          { name: 'program_name', value: 'evento-ts' },
        ]);
      } finally {
        connection.release();
      }
    } else {
      // performance_schema is off (MariaDB's default): the attributes are still sent at handshake.
      const config = (
        pool as unknown as { pool: { config: { connectionConfig: { connectAttributes: object } } } }
      ).pool.config.connectionConfig;
      expect(config.connectAttributes).toMatchObject({
        program_name: 'evento-ts',
        evento_bundle: 'bank',
        evento_instance: 'instance-7',
      });
    }
  });
});
