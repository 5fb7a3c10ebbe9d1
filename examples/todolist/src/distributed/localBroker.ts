import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

const KAFKA_SH = join(resolve(__dirname, '..', '..', '..', '..'), 'scripts', 'kafka.sh');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** Resolves true when something accepts TCP connections at host:port within two seconds. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, host);
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.end();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

/** Runs `scripts/kafka.sh <command>` for host:port, its output on this process's; resolves with its exit code. */
function kafkaSh(command: 'status' | 'start', host: string, port: number): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn('bash', [KAFKA_SH, command], {
      env: { ...process.env, EVENTO_KAFKA_HOST: host, EVENTO_KAFKA_PORT: String(port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', fail);
    child.once('exit', (code) => done(code ?? 1));
  });
}

/**
 * Makes sure the broker the TodoList uses runs: when KAFKA_BROKERS names one broker on this
 * machine and `scripts/kafka.sh status` says none runs there, starts one with `scripts/kafka.sh
 * start` (it keeps running after the TodoList stops: `npm run kafka:stop`). Any other broker
 * list is used as it is. A broker this script did not start but that accepts connections is used too.
 */
export async function ensureLocalBroker(brokers: readonly string[]): Promise<void> {
  const [only, ...others] = brokers;
  const match = only === undefined ? null : /^(.+):(\d+)$/.exec(only);
  if (others.length > 0 || match?.[1] === undefined || !LOCAL_HOSTS.has(match[1])) return;
  const host = match[1] === 'localhost' ? '127.0.0.1' : match[1];
  const port = Number(match[2]);
  if ((await kafkaSh('status', host, port)) === 0) return;
  if (await accepts(host, port)) {
    console.log(`kafka: using the broker that listens on ${host}:${port}`);
    return;
  }
  if ((await kafkaSh('start', host, port)) !== 0)
    throw new Error(`scripts/kafka.sh could not start a Kafka broker on ${host}:${port} (see above)`);
}
