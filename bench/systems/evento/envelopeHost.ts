/**
 * A stand-in Sentry host for the benchmark: a child Node process listening on 127.0.0.1 that
 * accepts the SDK's envelopes and counts them and the spans in them, so nothing leaves the
 * machine and the receiving costs the measured process nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';

/** What the host received since it started. */
export interface Received {
  readonly envelopes: number;
  readonly spans: number;
  readonly bytes: number;
}

const HOST_SCRIPT = `
const { createServer } = require('node:http');
const { gunzipSync } = require('node:zlib');
const received = { envelopes: 0, spans: 0, bytes: 0 };
const server = createServer((req, res) => {
  if (req.method === 'GET') return res.end(JSON.stringify(received));
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    const lines = body.split('\\n').filter((l) => l !== '');
    received.envelopes++;
    received.bytes += raw.length;
    for (let i = 1; i + 1 < lines.length; i += 2) {
      const header = JSON.parse(lines[i]);
      if (header.type === 'span') received.spans += JSON.parse(lines[i + 1]).items.length;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
// Gone with the benchmark process, however it ends.
process.stdin.on('end', () => process.exit(0)).resume();
`;

/** The running host: its DSN, its counts, and a way to stop it. */
export interface EnvelopeHost {
  readonly dsn: string;
  received(): Promise<Received>;
  close(): Promise<void>;
}

/** Starts the host in a child process; resolves once it listens. */
export async function startEnvelopeHost(): Promise<EnvelopeHost> {
  const child: ChildProcess = spawn(process.execPath, ['-e', HOST_SCRIPT], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const port = Number(line.toString('utf8').trim());
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    received: () => getJson<Received>(port),
    close: async () => {
      child.kill();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** GETs the host's counts on a connection of its own (no kept-alive socket the host may have closed). */
function getJson<T>(port: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T));
      res.on('error', reject);
    }).on('error', reject);
  });
}
