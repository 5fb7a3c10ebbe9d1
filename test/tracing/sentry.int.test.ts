/**
 * The Sentry agent against a local HTTP server on 127.0.0.1 acting as the Sentry host: the DSN
 * points at it, and the tests decode the envelopes the SDK posts after `flush`.
 */
import { container } from 'tsyringe';
import {
  CommandHandler,
  EventHandler,
  EventoBundle,
  Projector,
  Service,
  ServiceCommand,
  Track,
  type HandlerCall,
} from '../../src';
import { SentryTracingAgent } from '../../src/sentry';
import { rejectionOf } from '../support/waiting';
import { OrderApi, OrderMarkedShipped, PlaceOrder, startOrderFlow, UntrackedOrderApi } from './orderFlow';
import { SentryHost, type Item } from './sentryHost';

let host: SentryHost;
beforeAll(async () => {
  host = await SentryHost.start();
});
afterAll(() => host.close());

const withSentry: SentryHost['withSentry'] = (options, test) => host.withSentry(options, test);
const transactions = (): ReturnType<SentryHost['transactions']> => host.transactions();
const transaction = (name: string): ReturnType<SentryHost['transaction']> => host.transaction(name);
const errors = (): Item['payload'][] => host.errors();

describe('SentryTracingAgent', () => {
  it('sends the flow across two bundles as one trace, each transaction the child of the span that caused it', async () => {
    await withSentry({}, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent());
      await flow.orders.getInvoker(OrderApi).place('o1');
      await flow.untilIdle();
      await flow.stop();
    });
    const chain = [
      'OrderApi.place()',
      'Order.place(PlaceOrder)',
      'ShippingSaga.onPlaced(OrderPlaced)',
      'Order.markShipped(MarkShipped)',
      'OrderBoard.onMarkedShipped(OrderMarkedShipped)',
    ].map(transaction);
    expect(transactions()).toHaveLength(5);
    const traceId = chain[0]?.trace_id as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(chain.map((t) => t.trace_id)).toEqual(chain.map(() => traceId));
    expect(chain[0]?.parent_span_id).toBeUndefined();
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]?.parent_span_id).toBe(chain[i - 1]?.span_id);
    }
    expect(chain[2]?.attributes['sentry.op']).toBe('evento.event');
    expect(chain[2]?.attributes).toMatchObject({
      'evento.bundle': 'shipping',
      'evento.component': 'ShippingSaga',
      'evento.payload.name': 'OrderPlaced',
      'evento.aggregate.id': 'o1',
      'evento.attempt': 1,
      'evento.replay': false,
    });
    expect(chain[1]?.attributes['sentry.op']).toBe('evento.command');
    expect(chain[0]?.attributes['sentry.op']).toBe('evento.invocation');
    expect(host.bodies.join('\n')).not.toContain('4111 1111');
  });

  it('reports a handler error once, as an error event with its tags and linked to the trace', async () => {
    await withSentry({}, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent());
      await rejectionOf(flow.orders.getInvoker(OrderApi).place('refused-1'));
      await flow.stop();
    });
    const place = transaction('Order.place(PlaceOrder)');
    expect(place.status).toBe('error');
    expect(errors()).toHaveLength(1);
    const error = errors()[0] as Item['payload'];
    expect(error.exception.values[0]).toMatchObject({
      type: 'OrderRefusedError',
      value: 'order refused-1 is refused',
    });
    expect(error.tags).toMatchObject({
      'evento.bundle': 'orders',
      'evento.component': 'Order',
      'evento.handler': 'place',
      'evento.payload.name': 'PlaceOrder',
      'evento.aggregate.id': 'refused-1',
    });
    expect(error.contexts.trace.trace_id).toBe(place.trace_id);
    expect(error.contexts.trace.span_id).toBe(place.span_id);
    expect(host.bodies.join('\n')).not.toContain('4111 1111');
  });

  it('sends no transaction without @Track and without an incoming trace', async () => {
    await withSentry({}, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent());
      await flow.orders.getInvoker(UntrackedOrderApi).place('o1');
      await flow.orders.commandGateway.send(new PlaceOrder('o2'));
      await flow.untilIdle();
      expect(await flow.store.readAggregate('o2')).toHaveLength(2);
      await flow.stop();
    });
    expect(transactions()).toEqual([]);
  });

  it('ignores a malformed sentry-trace: a new trace starts under @Track, none without, and the handler runs', async () => {
    class Ping extends ServiceCommand {}
    class Pong extends ServiceCommand {}
    const pinged: string[] = [];
    @Service()
    class Pinger {
      @Track()
      @CommandHandler()
      ping(_command: Ping): void {
        pinged.push('ping');
      }

      @CommandHandler()
      pong(_command: Pong): void {
        pinged.push('pong');
      }
    }
    await withSentry({}, async () => {
      const bundle = await EventoBundle.builder()
        .setBundleId('pinger')
        .setComponents([Pinger])
        .setContainer(container.createChildContainer())
        .setTracingAgent(new SentryTracingAgent())
        .start();
      await bundle.commandGateway.send(new Ping(), { 'sentry-trace': 'not-a-trace-0123456789abcdef-1' });
      await bundle.commandGateway.send(new Ping(), {
        'sentry-trace': `${'a'.repeat(32)}-${'b'.repeat(15)}-1`,
      });
      // Not under @Track: a malformed header does not start a trace either.
      await bundle.commandGateway.send(new Pong(), { 'sentry-trace': 'not-a-trace-0123456789abcdef-1' });
      await bundle.stop();
    });
    expect(pinged).toEqual(['ping', 'ping', 'pong']);
    const sent = transactions();
    expect(sent.map((t) => t.name)).toEqual(['Pinger.ping(Ping)', 'Pinger.ping(Ping)']);
    for (const t of sent) {
      expect(t.parent_span_id).toBeUndefined();
      expect(t.trace_id).not.toBe('a'.repeat(32));
    }
  });

  it('lets out of a payload only what the redaction hook returns', async () => {
    const redact = (call: HandlerCall): unknown =>
      call.payload instanceof PlaceOrder ? { orderId: call.payload.orderId } : undefined;
    await withSentry({}, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent({ redact }));
      await flow.orders.getInvoker(OrderApi).place('o1');
      await rejectionOf(flow.orders.getInvoker(OrderApi).place('refused-2'));
      await flow.untilIdle();
      await flow.stop();
    });
    const places = transactions().filter((t) => t.name === 'Order.place(PlaceOrder)');
    expect(places.map((t) => t.attributes['evento.payload'])).toEqual([
      '{"orderId":"o1"}',
      '{"orderId":"refused-2"}',
    ]);
    expect(errors()[0]?.contexts.evento.payload).toBe('{"orderId":"refused-2"}');
    expect(host.bodies.join('\n')).not.toContain('4111 1111');
  });

  it('reports a consumer’s failure only at its last attempt, not while it retries', async () => {
    class BoardDownError extends Error {}
    let attempts = 0;
    @Projector()
    class FailingBoard {
      @EventHandler({ retry: 2, retryDelay: 1 })
      onMarkedShipped(_event: OrderMarkedShipped): void {
        attempts++;
        throw new BoardDownError(`board down (attempt ${attempts})`);
      }
    }
    await withSentry({}, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent());
      const failing = await EventoBundle.builder()
        .setBundleId('failing')
        .setComponents([FailingBoard])
        .setEventStore(flow.store)
        .setContainer(container.createChildContainer())
        .setTracingAgent(new SentryTracingAgent())
        .onError(() => undefined)
        .start();
      await flow.orders.getInvoker(OrderApi).place('o1');
      await flow.untilIdle();
      await failing.untilIdle();
      await failing.stop();
      await flow.stop();
    });
    expect(attempts).toBe(3);
    expect(errors().map((e) => e.exception.values[0].value as string)).toEqual(['board down (attempt 3)']);
    expect(errors()[0]?.tags).toMatchObject({ 'evento.component': 'FailingBoard', 'evento.attempt': '3' });
    expect(
      transactions().filter((t) => t.name === 'FailingBoard.onMarkedShipped(OrderMarkedShipped)'),
    ).toHaveLength(3);
  });

  it('respects the client’s sampling: at rate 0 no transaction, errors still reported', async () => {
    await withSentry({ tracesSampleRate: 0 }, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent());
      await flow.orders.getInvoker(OrderApi).place('o1');
      await rejectionOf(flow.orders.getInvoker(OrderApi).place('refused-3'));
      await flow.untilIdle();
      await flow.stop();
    });
    expect(transactions()).toEqual([]);
    expect(errors()).toHaveLength(1);
  });

  it('at rate 0 adds no keys to a new trace and links its errors to the flow’s correlation id', async () => {
    const correlationId = '0b8a3c6e-5d2f-4e1a-9c7b-3f6d2e1a0c9b';
    let metadata: Record<string, string>[] = [];
    await withSentry({ tracesSampleRate: 0 }, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent({ propagateTraceparent: true }));
      await flow.orders.getInvoker(OrderApi).place('o1');
      await flow.untilIdle();
      metadata = (await flow.store.readAggregate('o1')).map((e) => e.metadata);
      await rejectionOf(flow.orders.commandGateway.send(new PlaceOrder('refused-5'), { correlationId }));
      await flow.stop();
    });
    expect(transactions()).toEqual([]);
    expect(metadata).toHaveLength(2);
    for (const keys of metadata)
      expect(Object.keys(keys).filter((k) => ['sentry-trace', 'baggage', 'traceparent'].includes(k))).toEqual(
        [],
      );
    // The second event is the saga's command's: the flow's correlation id reached it.
    expect(metadata[1]?.correlationId).toBe(metadata[0]?.correlationId);
    const error = errors()[0] as Item['payload'];
    expect(errors()).toHaveLength(1);
    expect(error.contexts.trace.trace_id).toBe(correlationId.replace(/-/g, ''));
    expect(error.tags).toMatchObject({ 'evento.component': 'Order', 'evento.payload.name': 'PlaceOrder' });
  });

  it('links errors to the flow’s correlation id only at rate 0', async () => {
    const correlationId = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
    await withSentry({ tracesSampleRate: 1 }, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent());
      await rejectionOf(flow.orders.commandGateway.send(new PlaceOrder('refused-7'), { correlationId }));
      await flow.stop();
    });
    const error = errors()[0] as Item['payload'];
    expect(errors()).toHaveLength(1);
    expect(error.contexts.trace.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(error.contexts.trace.trace_id).not.toBe(correlationId.replace(/-/g, ''));
  });

  it('at rate 0 with propagateUnsampledTraces carries one trace id and the negative decision through the flow, and links errors to it', async () => {
    let metadata: Record<string, string>[] = [];
    await withSentry({ tracesSampleRate: 0, release: 'r 1' }, async () => {
      const flow = await startOrderFlow(
        new SentryTracingAgent({ propagateTraceparent: true, propagateUnsampledTraces: true }),
      );
      await flow.orders.getInvoker(OrderApi).place('o1');
      await flow.untilIdle();
      metadata = (await flow.store.readAggregate('o1')).map((e) => e.metadata);
      await rejectionOf(
        flow.orders.commandGateway.send(new PlaceOrder('refused-4'), {
          'sentry-trace': '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0',
        }),
      );
      await flow.stop();
    });
    expect(transactions()).toEqual([]);
    const [placed, shipped] = metadata as [Record<string, string>, Record<string, string>];
    const [traceId, placeSpan] = (placed['sentry-trace'] ?? '').split('-');
    expect(placed['sentry-trace']).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}-0$/);
    expect(placed.traceparent).toBe(`00-${traceId}-${placeSpan}-00`);
    expect(placed.baggage?.split(',').sort()).toEqual(
      [
        'sentry-environment=production',
        'sentry-release=r%201',
        'sentry-public_key=public',
        `sentry-trace_id=${traceId}`,
        'sentry-sample_rate=0',
        'sentry-sampled=false',
      ].sort(),
    );
    // The saga's command, and so the second event, continue the same trace from spans of their own.
    expect(shipped['sentry-trace']).toMatch(new RegExp(`^${traceId}-[0-9a-f]{16}-0$`));
    expect(shipped['sentry-trace']).not.toBe(placed['sentry-trace']);
    expect(shipped.baggage).toBe(placed.baggage);
    const error = errors()[0] as Item['payload'];
    expect(errors()).toHaveLength(1);
    expect(error.contexts.trace.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(error.contexts.trace.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(error.tags).toMatchObject({ 'evento.component': 'Order', 'evento.payload.name': 'PlaceOrder' });
  });

  it('at rate 0 follows a parent that sampled the trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await withSentry({ tracesSampleRate: 0 }, async () => {
      const flow = await startOrderFlow(new SentryTracingAgent());
      await flow.orders.commandGateway.send(new PlaceOrder('o1'), {
        'sentry-trace': `${traceId}-00f067aa0ba902b7-1`,
      });
      await flow.untilIdle();
      await flow.stop();
    });
    const place = transaction('Order.place(PlaceOrder)');
    expect([place.trace_id, place.parent_span_id]).toEqual([traceId, '00f067aa0ba902b7']);
    expect(transactions().map((t) => t.trace_id)).toEqual(transactions().map(() => traceId));
    expect(transactions()).toHaveLength(4);
  });
});
