/** A throwaway MariaDB/MySQL database per test file, created and dropped with a root connection. */
import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { MYSQL_URL } from '../support/services';

export interface TestDatabase {
  readonly name: string;
  /** MYSQL_URL pointing at this database. */
  readonly uri: string;
  /** A connection to this database, for assertions and raw SQL; closed by `drop()`. */
  readonly admin: Connection;
  drop(): Promise<void>;
}

/** Creates `evento_test_<random>` and returns its URI and an admin connection to it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `evento_test_${randomBytes(6).toString('hex')}`;
  const root = await createConnection(MYSQL_URL);
  try {
    await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await root.end();
  }
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  const uri = url.toString();
  const admin = await createConnection({ uri, dateStrings: true });
  return {
    name,
    uri,
    admin,
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** A table prefix no other test uses. */
export function uniquePrefix(): string {
  return `t${randomBytes(4).toString('hex')}_`;
}

export { sleep } from '../support/waiting';

/** A promise with its resolve function, to hold something open until a test says so. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
