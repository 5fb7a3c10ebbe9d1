/** The transactions of the raw baseline: BEGIN, the work, COMMIT, or ROLLBACK when it throws. */
import type { Pool as MysqlPool, PoolConnection } from 'mysql2/promise';
import type { Pool, PoolClient } from 'pg';

export async function pgTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** `readCommitted`: as evento-ts's MariaDB stores run theirs (the server's default is REPEATABLE READ). */
export async function mysqlTransaction<T>(
  pool: MysqlPool,
  readCommitted: boolean,
  work: (connection: PoolConnection) => Promise<T>,
): Promise<T> {
  const connection = await pool.getConnection();
  try {
    if (readCommitted) await connection.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    await connection.query('START TRANSACTION');
    const result = await work(connection);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    await connection.query('ROLLBACK');
    throw error;
  } finally {
    connection.release();
  }
}
