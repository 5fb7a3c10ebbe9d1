/**
 * `@confluentinc/kafka-javascript` as scripts/confluent-client.sh installs it: not one of the
 * project's dependencies (it builds librdkafka, which takes minutes), so the Kafka seam tests and
 * the distributed benchmark load it from where the script put it.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfluentKafkaJS } from '../../src/kafka';
import { BenchUsageError } from './usageError';

/** What the tests and the benchmark use of the package. */
export interface ConfluentLibrary {
  readonly KafkaJS: {
    readonly Kafka: new (config: object) => ConfluentKafkaJS;
    readonly logLevel: { readonly NOTHING: number };
  };
}

/**
 * The package's folder: `$EVENTO_KAFKA_HOME/confluent/node_modules/...` (`EVENTO_KAFKA_HOME`
 * defaults to `.kafka` at the repository's root; a relative one is taken from the working
 * directory, as scripts/kafka.sh takes it).
 */
export const CONFLUENT_PACKAGE = join(
  resolve(process.env.EVENTO_KAFKA_HOME ?? join(__dirname, '..', '..', '.kafka')),
  'confluent',
  'node_modules',
  '@confluentinc',
  'kafka-javascript',
);

/** Why the package cannot be used, with the fix, or undefined when it is installed. */
export function confluentMissing(): string | undefined {
  return existsSync(join(CONFLUENT_PACKAGE, 'package.json'))
    ? undefined
    : `@confluentinc/kafka-javascript is not installed in ${CONFLUENT_PACKAGE}; install it with \`bash scripts/confluent-client.sh\`.`;
}

/** Loads the package; throws naming the install command when it is not there. */
export function loadConfluent(): ConfluentLibrary {
  const missing = confluentMissing();
  if (missing !== undefined) throw new BenchUsageError(missing);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(CONFLUENT_PACKAGE) as ConfluentLibrary;
}
