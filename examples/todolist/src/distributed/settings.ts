/** What the two TodoList processes read from the environment, with the defaults they share. */
export interface DistributedSettings {
  /** KAFKA_BROKERS: comma-separated host:port list (default 127.0.0.1:9092). */
  readonly brokers: readonly string[];
  /** TODOLIST_TOPIC_PREFIX: the bus's topic prefix; the processes of one prefix find each other (default todolist). */
  readonly topicPrefix: string;
  /** EVENTO_PG_URL: the PostgreSQL database (default postgres://postgres@127.0.0.1:5432/todolist). */
  readonly pgUrl: string;
  /** EVENTO_PG_SCHEMA: the schema of the stores and the read model (default: the stores' own, `public`). */
  readonly pgSchema: string | undefined;
  /** PORT: where the API listens (default 3000; 0 picks a free port). */
  readonly port: number;
  /** HOST: the address the API listens on (default 127.0.0.1). */
  readonly host: string;
}

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/todolist';

/** The settings from `env`; refuses a port that is not one, naming the variable. */
export function distributedSettings(env: NodeJS.ProcessEnv = process.env): DistributedSettings {
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT=${env.PORT ?? ''} is not a port number; set it to 0..65535, or unset it for 3000`);
  const brokers = (env.KAFKA_BROKERS || '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  return {
    brokers,
    topicPrefix: env.TODOLIST_TOPIC_PREFIX || 'todolist',
    pgUrl: env.EVENTO_PG_URL || DEFAULT_PG_URL,
    pgSchema: env.EVENTO_PG_SCHEMA || undefined,
    port,
    host: env.HOST || '127.0.0.1',
  };
}
