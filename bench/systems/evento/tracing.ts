/**
 * The tracing agents the tracing workload sets on evento-ts, each with a real SDK that sends
 * nowhere off the machine: Sentry with a client whose DSN is a local envelope host, OpenTelemetry
 * with an SDK tracer provider exporting to memory.
 */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import * as Sentry from '@sentry/node';
import type { TracingAgent } from '../../../src';
import { OpenTelemetryTracingAgent } from '../../../src/opentelemetry';
import { SentryTracingAgent } from '../../../src/sentry';
import { randomHex } from '../../../src/sentry/unsampledTrace';
import type { TracedSystemName } from '../../harness/types';
import { startEnvelopeHost, type Received } from './envelopeHost';

/** An agent as a benchmark system uses it. */
export interface BenchTracing {
  readonly system: TracedSystemName;
  /** The system's table prefix. */
  readonly prefix: string;
  readonly agent: TracingAgent;
  /** Untimed, before each run. */
  prepare(): void;
  /** Untimed, after each run of `commands` commands: what the agent sent. */
  sent(commands: number): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * The Sentry agent on a client of its own (`tracesSampleRate` = `rate`, no default integrations:
 * the agent's cost, not that of Sentry's HTTP or database instrumentation), made the current
 * client before each run, as the one client of an application is. Reports what the local host
 * received per run, after a flush.
 */
export async function sentryTracing(rate: 0 | 1): Promise<BenchTracing> {
  const host = await startEnvelopeHost();
  const client = Sentry.init({ dsn: host.dsn, tracesSampleRate: rate, defaultIntegrations: false });
  if (client === undefined) {
    await host.close();
    throw new Error('Sentry.init returned no client');
  }
  let before: Received = { envelopes: 0, spans: 0, bytes: 0 };
  return {
    system: rate === 0 ? 'evento-ts + Sentry (rate 0)' : 'evento-ts + Sentry (rate 1)',
    prefix: `evs${rate}_`,
    agent: new SentryTracingAgent({ client }),
    prepare: () => Sentry.setCurrentClient(client),
    async sent(commands) {
      await client.flush(10_000);
      const now = await host.received();
      const sent = {
        envelopes: now.envelopes - before.envelopes,
        spansPerCommand: (now.spans - before.spans) / commands,
        sentKb: (now.bytes - before.bytes) / 1024,
      };
      before = now;
      return sent;
    },
    async close() {
      await client.close(10_000);
      await host.close();
    },
  };
}

/**
 * The OpenTelemetry agent on an SDK `BasicTracerProvider` (default sampler: always on) whose
 * `SimpleSpanProcessor` hands each ended span to an `InMemorySpanExporter`, emptied before each
 * run; the AsyncLocalStorage context manager is the process's while the system lives.
 */
export function openTelemetryTracing(): BenchTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    system: 'evento-ts + OpenTelemetry',
    prefix: 'evo_',
    agent: new OpenTelemetryTracingAgent({ tracer: provider.getTracer('evento-bench') }),
    prepare: () => exporter.reset(),
    sent: async (commands) => ({ spansPerCommand: exporter.getFinishedSpans().length / commands }),
    async close() {
      context.disable();
      await provider.shutdown();
    },
  };
}

/**
 * The two references below the Sentry agent, which tell what its cost is made of: an agent that
 * only calls `next()` (what any agent costs the pipeline: an interceptor on every handler call),
 * and one that also hands on a new W3C `traceparent` for each tracked call, as any agent starting
 * a trace must (the least a trace context costs: a key written into the command's flow and its
 * events). Neither sends anything anywhere.
 */
export function referenceTracing(kind: 'pass-through' | 'new-trace'): BenchTracing {
  const track: TracingAgent['track'] =
    kind === 'pass-through'
      ? (_call, next) => next()
      : (call, next) =>
          call.tracked ? next({ traceparent: `00-${randomHex(16)}-${randomHex(8)}-00` }) : next();
  return {
    system: kind === 'pass-through' ? 'evento-ts + pass-through agent' : 'evento-ts + new-trace agent',
    prefix: kind === 'pass-through' ? 'evp_' : 'evn_',
    agent: { track, activeTraceContext: () => undefined },
    prepare: () => undefined,
    sent: async () => ({}),
    close: async () => undefined,
  };
}
