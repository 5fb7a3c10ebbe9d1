import { format, type Pool } from 'mysql2/promise';
import { PayloadTooLargeError } from '../errors';
import { selectRows, toInt } from './connection';

/**
 * The server's `max_allowed_packet`, read once per store, and the check that a statement fits in
 * it before it is sent: too large a statement otherwise fails with the driver's raw
 * ER_NET_PACKET_TOO_LARGE, and may cost the connection.
 */
export class PacketLimit {
  private limit: Promise<number> | undefined;

  constructor(private readonly pool: Pool) {}

  /** Throws PayloadTooLargeError when `sql` with `values` is larger than the server accepts. */
  async check(sql: string, values: readonly unknown[], what: string): Promise<void> {
    const limit = await this.read();
    // Escaping at most doubles a string: only a statement that might not fit is formatted.
    let bound = Buffer.byteLength(sql) + 64;
    for (const value of values) bound += typeof value === 'string' ? 2 * Buffer.byteLength(value) + 2 : 64;
    if (bound <= limit) return;
    const size = Buffer.byteLength(format(sql, [...values] as Parameters<typeof format>[1])) + 1;
    if (size > limit) throw tooLarge(what, size, limit);
  }

  private read(): Promise<number> {
    this.limit ??= selectRows(this.pool, 'SELECT @@max_allowed_packet AS max_packet').then(
      ([row]) => toInt(row?.max_packet),
      (error: unknown) => {
        this.limit = undefined;
        throw error;
      },
    );
    return this.limit;
  }
}

/** The PayloadTooLargeError for `what`, of `size` bytes against a limit of `limit` (undefined: unknown). */
export function tooLarge(
  what: string,
  size: number | undefined,
  limit: number | undefined,
): PayloadTooLargeError {
  const sizes =
    size === undefined || limit === undefined
      ? "is larger than the server's max_allowed_packet"
      : `takes ${mib(size)} as a statement, more than the server's max_allowed_packet of ${mib(limit)}`;
  const suggested = Math.max(64, 2 ** Math.ceil(Math.log2(((size ?? 0) * 1.25) / 2 ** 20)));
  return new PayloadTooLargeError(
    `${what} ${sizes}. Make it smaller (keep large data elsewhere and store a reference to it), ` +
      `or raise the server's limit: SET GLOBAL max_allowed_packet = ${suggested * 2 ** 20}; ` +
      `and max_allowed_packet = ${suggested}M under [mysqld] in its configuration (new connections use it).`,
    { context: { what, size, limit } },
  );
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB (${bytes} bytes)`;
}
