/**
 * The OpenTelemetry agent and the Sentry agent continuing each other's traces: bundle "orders"
 * with one, bundle "shipping" with the other, on a bus that carries every message in the wire
 * format. The OpenTelemetry spans are read from the SDK's in-memory exporter, the Sentry ones from
 * the envelopes the SDK posts to a local Sentry host.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TracingAgent } from '../../src';
import { OpenTelemetryTracingAgent } from '../../src/opentelemetry';
import { SentryTracingAgent } from '../../src/sentry';
import { describeWithKafka } from '../support/kafka';
import { kafkaBusNetwork, type KafkaBusNetwork } from '../kafka/busNetwork';
import { KafkajsClient } from '../../src/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { KAFKA_BROKERS } from '../support/kafka';
import {
  OrderApi,
  PlaceOrder,
  startOrderFlow,
  type AgentPerBundle,
  type OrderFlowOptions,
} from './orderFlow';
import { exporter, tracer, useOpenTelemetry } from './otelSdk';
import { SentryHost, type SentSpan } from './sentryHost';

useOpenTelemetry();
let host: SentryHost;
beforeAll(async () => {
  host = await SentryHost.start();
});
afterAll(() => host.close());

/** A span of either agent, by who sent it. */
interface FlowSpan {
  readonly name: string;
  readonly by: 'opentelemetry' | 'sentry';
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
}

const fromOpenTelemetry = (s: ReadableSpan): FlowSpan => ({
  name: s.name,
  by: 'opentelemetry',
  traceId: s.spanContext().traceId,
  spanId: s.spanContext().spanId,
  parentSpanId: s.parentSpanContext?.spanId,
});
const fromSentry = (s: SentSpan): FlowSpan => ({
  name: s.name,
  by: 'sentry',
  traceId: s.trace_id,
  spanId: s.span_id,
  parentSpanId: s.parent_span_id,
});

/** Both agents' spans, by name. */
function sentSpans(): Map<string, FlowSpan> {
  const all = [...exporter.getFinishedSpans().map(fromOpenTelemetry), ...host.transactions().map(fromSentry)];
  const byName = new Map(all.map((s) => [s.name, s]));
  expect(byName.size).toBe(all.length);
  return byName;
}

const chain = [
  'OrderApi.place()', // orders
  'Order.place(PlaceOrder)', // orders
  'ShippingSaga.onPlaced(OrderPlaced)', // shipping
  'Order.markShipped(MarkShipped)', // orders
  'OrderBoard.onMarkedShipped(OrderMarkedShipped)', // shipping
];
const inOrders = (name: string): boolean => !name.startsWith('Shipping') && !name.startsWith('OrderBoard');

/** Runs the order flow from the @Track invoker in "orders" with each bundle's agent, under a Sentry client with `sentry` options. */
async function runFlow(
  agents: () => AgentPerBundle,
  sentry: { propagateTraceparent?: boolean },
  transport: OrderFlowOptions = { serialize: true },
): Promise<void> {
  await host.withSentry(sentry, async () => {
    const flow = await startOrderFlow(agents(), transport);
    await flow.orders.getInvoker(OrderApi).place('o1');
    await flow.untilIdle();
    await flow.stop();
  });
}

/** Expects the whole chain as one trace, each span the child of the one before, each sent by the agent of its bundle. */
function expectOneTrace(orders: FlowSpan['by'], shipping: FlowSpan['by']): void {
  const spans = sentSpans();
  const found = chain.map((name) => spans.get(name));
  expect(found.map((s) => [s?.name, s?.by])).toEqual(
    chain.map((name) => [name, inOrders(name) ? orders : shipping]),
  );
  const [first] = found as FlowSpan[];
  expect(first?.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(first?.parentSpanId).toBeUndefined();
  for (let i = 1; i < chain.length; i++) {
    const [span, parent] = [found[i] as FlowSpan, found[i - 1] as FlowSpan];
    expect([span.name, span.traceId, span.parentSpanId]).toEqual([span.name, first?.traceId, parent.spanId]);
  }
}

const openTelemetry = (): TracingAgent => new OpenTelemetryTracingAgent({ tracer });

describe('OpenTelemetry and Sentry agents together, on W3C trace context', () => {
  it('Sentry continues a trace OpenTelemetry started, and back, with a client that propagates traceparent', async () => {
    await runFlow(() => ({ orders: openTelemetry(), shipping: new SentryTracingAgent() }), {
      propagateTraceparent: true,
    });
    expectOneTrace('opentelemetry', 'sentry');
  });

  it('OpenTelemetry continues a trace Sentry started, and back, with the agent’s propagateTraceparent', async () => {
    await runFlow(
      () => ({ orders: new SentryTracingAgent({ propagateTraceparent: true }), shipping: openTelemetry() }),
      {},
    );
    expectOneTrace('sentry', 'opentelemetry');
  });

  it('without propagateTraceparent, the Sentry agent neither reads nor writes traceparent', async () => {
    await runFlow(() => ({ orders: openTelemetry(), shipping: new SentryTracingAgent() }), {});
    expect(host.transactions()).toEqual([]);
    // OpenTelemetry's traceparent passed through the untraced saga unchanged: its command
    // continues the aggregate's span, the saga missing from the trace.
    const spans = sentSpans();
    expect([...spans.keys()].sort()).toEqual([
      'Order.markShipped(MarkShipped)',
      'Order.place(PlaceOrder)',
      'OrderApi.place()',
    ]);
    expect(spans.get('Order.markShipped(MarkShipped)')?.parentSpanId).toBe(
      spans.get('Order.place(PlaceOrder)')?.spanId,
    );
  });

  it('keeps an unsampled traceparent unsampled in both agents, its trace id still carried along', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const incoming = `00-${traceId}-00f067aa0ba902b7-00`;
    let stored: (string | undefined)[] = [];
    await host.withSentry({}, async () => {
      const flow = await startOrderFlow(
        { orders: new SentryTracingAgent({ propagateTraceparent: true }), shipping: openTelemetry() },
        { serialize: true },
      );
      await flow.orders.commandGateway.send(new PlaceOrder('o1'), { traceparent: incoming });
      await flow.untilIdle();
      stored = (await flow.store.readAggregate('o1')).map((e) => e.metadata.traceparent);
      await flow.stop();
    });
    expect(host.transactions()).toEqual([]);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(stored).toHaveLength(2);
    for (const traceparent of stored)
      expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    // Each event carries the (unsampled) span of its command's handler: Sentry's for the first,
    // continued from the incoming traceparent; the second's handler continued OpenTelemetry's saga span.
    expect(new Set([incoming, ...stored]).size).toBe(3);
  });
});

describeWithKafka()('one trace across two bundles over Kafka', () => {
  let network: KafkaBusNetwork;
  beforeEach(() => {
    network = kafkaBusNetwork(
      (clientId) =>
        new KafkajsClient(new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING })),
    );
  });
  afterEach(() => network.cleanup());
  const overKafka = (): OrderFlowOptions => ({ bus: () => network.connect() });

  it('OpenTelemetry in both bundles: invoker → command → event → saga → command → event → projector', async () => {
    await runFlow(() => ({ orders: openTelemetry(), shipping: openTelemetry() }), {}, overKafka());
    expectOneTrace('opentelemetry', 'opentelemetry');
  });

  it('Sentry in both bundles: the same chain, each transaction the child of the one before', async () => {
    await runFlow(
      () => ({ orders: new SentryTracingAgent(), shipping: new SentryTracingAgent() }),
      {},
      overKafka(),
    );
    expectOneTrace('sentry', 'sentry');
  });

  it('OpenTelemetry in one bundle and Sentry in the other continue each other', async () => {
    await runFlow(
      () => ({ orders: openTelemetry(), shipping: new SentryTracingAgent() }),
      { propagateTraceparent: true },
      overKafka(),
    );
    expectOneTrace('opentelemetry', 'sentry');
  });
});
