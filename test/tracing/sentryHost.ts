/**
 * A local HTTP server on 127.0.0.1 acting as the Sentry host for the tracing tests: the DSN points
 * at it, and the tests decode the envelopes the SDK posts after `flush`.
 */
import { createServer, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import * as Sentry from '@sentry/node';

/** One envelope item: its type and its payload. */
export interface Item {
  readonly type: string;
  readonly payload: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A span as Sentry 11 streams it (`span` items, v2), its attributes flattened to their values. */
export interface SentSpan {
  readonly name: string;
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id?: string;
  readonly is_segment: boolean;
  readonly status: string;
  readonly attributes: Record<string, unknown>;
}

/** The Sentry host: what the SDK sent since the last `withSentry`. */
export class SentryHost {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** Each envelope's body, unzipped. */
    readonly bodies: string[],
  ) {}

  /** Listens on a free port of 127.0.0.1. */
  static async start(): Promise<SentryHost> {
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        bodies.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new SentryHost(server, (server.address() as { port: number }).port, bodies);
  }

  /** Runs `test` with Sentry initialised on this host (tracing at rate 1 unless `options` say otherwise), then flushes and closes it. */
  async withSentry(options: Sentry.NodeOptions, test: () => Promise<void>): Promise<void> {
    this.bodies.length = 0;
    Sentry.init({
      dsn: `http://public@127.0.0.1:${this.port}/1`,
      defaultIntegrations: false,
      tracesSampleRate: 1,
      ...options,
    });
    try {
      await test();
    } finally {
      await Sentry.flush(5_000);
      await Sentry.close(5_000);
    }
  }

  /** Each envelope: a header line, then an item header line and a payload line per item. */
  items(): Item[] {
    const out: Item[] = [];
    for (const body of this.bodies) {
      const lines = body.split('\n').filter((l) => l !== '');
      for (let i = 1; i + 1 < lines.length; i += 2) {
        const header = JSON.parse(lines[i] as string) as { type: string };
        out.push({ type: header.type, payload: JSON.parse(lines[i + 1] as string) as Item['payload'] });
      }
    }
    return out;
  }

  /** The spans sent, as Sentry 11 streams them in `span` items. */
  spans(): SentSpan[] {
    const out: SentSpan[] = [];
    for (const item of this.items()) {
      if (item.type !== 'span') continue;
      for (const raw of item.payload.items as (SentSpan & {
        attributes: Record<string, { value: unknown }>;
      })[]) {
        const attributes = Object.fromEntries(Object.entries(raw.attributes).map(([k, v]) => [k, v.value]));
        out.push({ ...raw, attributes });
      }
    }
    return out;
  }

  /** Root spans of their process (Sentry's transactions): every evento handler span here. */
  transactions(): SentSpan[] {
    return this.spans().filter((s) => s.is_segment);
  }

  /** The error events sent. */
  errors(): Item['payload'][] {
    return this.items()
      .filter((i) => i.type === 'event')
      .map((i) => i.payload);
  }

  /** The one transaction named `name` (fails the test unless there is exactly one). */
  transaction(name: string): SentSpan {
    const found = this.transactions().filter((t) => t.name === name);
    expect(found.map((t) => t.name)).toEqual([name]);
    return found[0] as SentSpan;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
