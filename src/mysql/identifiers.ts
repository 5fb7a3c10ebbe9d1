import { ConfigurationError } from '../errors';

/** The rule every table prefix must follow; it keeps prefixes safe to place in SQL as they are. */
export const TABLE_PREFIX_PATTERN = /^[a-z_][a-z0-9_]{0,40}$/;

/** The table prefix used when none is given. */
export const DEFAULT_TABLE_PREFIX = 'evento_';

/**
 * Returns `prefix` (or the default) once it is known to match {@link TABLE_PREFIX_PATTERN}.
 * Anything else is a ConfigurationError naming the value and the rule: a prefix is never escaped
 * or interpolated into SQL before it has passed this check.
 */
export function validateTablePrefix(prefix: unknown): string {
  if (prefix === undefined) return DEFAULT_TABLE_PREFIX;
  if (typeof prefix === 'string' && TABLE_PREFIX_PATTERN.test(prefix)) return prefix;
  const shown = typeof prefix === 'string' ? JSON.stringify(prefix) : `a value of type ${typeof prefix}`;
  throw new ConfigurationError(
    `tablePrefix ${shown} is not allowed: it must match ${String(TABLE_PREFIX_PATTERN)} ` +
      '(a lowercase letter or underscore, then up to 40 lowercase letters, digits or underscores); ' +
      `choose one such as "${DEFAULT_TABLE_PREFIX}".`,
    { context: { tablePrefix: prefix, rule: String(TABLE_PREFIX_PATTERN) } },
  );
}

/** `prefix` + `name` as a quoted identifier. Only call it with a validated prefix and a constant name. */
export function tableName(prefix: string, name: string): string {
  return `\`${prefix}${name}\``;
}
