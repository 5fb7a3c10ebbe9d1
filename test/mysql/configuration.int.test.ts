import { ConfigurationError, InvalidArgumentError, StoreUnavailableError } from '../../src/errors';
import { MysqlConsumerStateStore, MysqlEventStore, TABLE_PREFIX_PATTERN } from '../../src/mysql';
import { mapDriverError } from '../../src/mysql/errors';
import { describeWithService, MYSQL_URL } from '../support/services';

describeWithService('MariaDB', MYSQL_URL)('MySQL store configuration', () => {
  describe('tablePrefix', () => {
    const invalid: unknown[] = [
      '',
      'Evento_',
      '1evento_',
      'evento-',
      'evento_;DROP TABLE x;--',
      'evento`_',
      'ünï_',
      ' evento_',
      'a'.repeat(42),
      42,
      null,
    ];

    it.each(invalid)('rejects %p with a ConfigurationError naming the value and the rule', (tablePrefix) => {
      for (const create of [
        () => new MysqlEventStore({ uri: MYSQL_URL, tablePrefix: tablePrefix as string }),
        () => new MysqlConsumerStateStore({ uri: MYSQL_URL, tablePrefix: tablePrefix as string }),
      ]) {
        let caught: unknown;
        try {
          create();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(ConfigurationError);
        const message = (caught as Error).message;
        expect(message).toContain(String(TABLE_PREFIX_PATTERN));
        if (typeof tablePrefix === 'string') expect(message).toContain(JSON.stringify(tablePrefix));
      }
    });

    it.each(['a', '_', 'evento_', 'my_app_2_', 'a'.repeat(41)])('accepts %p', async (tablePrefix) => {
      const events = new MysqlEventStore({ uri: MYSQL_URL, tablePrefix });
      const consumers = new MysqlConsumerStateStore({ uri: MYSQL_URL, tablePrefix });
      await events.close();
      await consumers.close();
    });
  });

  it('rejects other invalid options with ConfigurationError', () => {
    expect(() => new MysqlEventStore({ uri: MYSQL_URL, pollIntervalMs: 0 })).toThrow(ConfigurationError);
    expect(() => new MysqlEventStore({ uri: MYSQL_URL, pollIntervalMs: Number.NaN })).toThrow(
      ConfigurationError,
    );
    expect(() => new MysqlEventStore({ uri: MYSQL_URL, migrate: 'later' as 'apply' })).toThrow(
      ConfigurationError,
    );
    expect(() => new MysqlConsumerStateStore({ uri: '' })).toThrow(ConfigurationError);
    expect(() => new MysqlConsumerStateStore({ uri: MYSQL_URL, connectionLimit: 0 })).toThrow(
      ConfigurationError,
    );
  });

  it('an unreachable server is a StoreUnavailableError with the driver error as cause', async () => {
    const uri = 'mysql://root@127.0.0.1:1/test';
    for (const create of [
      () => MysqlEventStore.create({ uri }),
      () => MysqlConsumerStateStore.create({ uri }),
    ]) {
      const error = await create().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).retriable).toBe(true);
      expect(((error as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
    }
  });

  it('wrong credentials are a ConfigurationError, not a retriable one', async () => {
    const url = new URL(MYSQL_URL);
    url.username = 'evento_no_such_user';
    url.password = 'wrong';
    const error = await MysqlEventStore.create({ uri: url.toString() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).retriable).toBe(false);
  });

  it('maps driver errors by their code', () => {
    const driverError = (props: Record<string, unknown>): Error => Object.assign(new Error('driver'), props);
    for (const props of [
      { code: 'ECONNREFUSED' },
      { code: 'PROTOCOL_CONNECTION_LOST', fatal: true },
      { code: 'ER_CON_COUNT_ERROR', errno: 1040 },
      { code: 'ER_CONNECTION_KILLED', errno: 1927 },
      { code: 'ER_LOCK_DEADLOCK', errno: 1213 },
      { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 },
    ]) {
      const cause = driverError(props);
      const mapped = mapDriverError(cause, 'testing');
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as Error).cause).toBe(cause);
    }
    expect(mapDriverError(driverError({ errno: 1045 }), 'testing')).toBeInstanceOf(ConfigurationError);
    expect(mapDriverError(driverError({ errno: 1406 }), 'testing')).toBeInstanceOf(InvalidArgumentError);
    const other = driverError({ code: 'ER_PARSE_ERROR', errno: 1064 });
    expect(mapDriverError(other, 'testing')).toBe(other);
  });
});
