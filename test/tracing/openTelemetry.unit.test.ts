import { SpanStatusCode, trace } from '@opentelemetry/api';
import { container } from 'tsyringe';
import { EventoBundle, Projector, EventHandler, SpanAttributes } from '../../src';
import { OpenTelemetryTracingAgent } from '../../src/opentelemetry';
import { rejectionOf } from '../support/waiting';
import {
  OrderApi,
  OrderMarkedShipped,
  OrderRefusedError,
  PlaceOrder,
  startOrderFlow,
  UntrackedOrderApi,
} from './orderFlow';
import { exporter, named, parentOf, tracer, useOpenTelemetry } from './otelSdk';

useOpenTelemetry();

describe('OpenTelemetryTracingAgent', () => {
  it('traces invoker → command → event → saga → command → event → projector across two bundles as one trace, each span the child of the one that caused it', async () => {
    const flow = await startOrderFlow(new OpenTelemetryTracingAgent({ tracer }));
    await flow.orders.getInvoker(OrderApi).place('o1');
    await flow.untilIdle();
    await flow.stop();

    const invocation = named('OrderApi.place()');
    const place = named('Order.place(PlaceOrder)');
    const saga = named('ShippingSaga.onPlaced(OrderPlaced)');
    const markShipped = named('Order.markShipped(MarkShipped)');
    const projector = named('OrderBoard.onMarkedShipped(OrderMarkedShipped)');
    const spans = [invocation, place, saga, markShipped, projector];
    expect(exporter.getFinishedSpans()).toHaveLength(5);

    const traceId = invocation.spanContext().traceId;
    expect(spans.map((s) => s.spanContext().traceId)).toEqual(spans.map(() => traceId));
    expect(parentOf(invocation)).toBeUndefined();
    expect(parentOf(place)).toBe(invocation.spanContext().spanId);
    expect(parentOf(saga)).toBe(place.spanContext().spanId);
    expect(parentOf(markShipped)).toBe(saga.spanContext().spanId);
    expect(parentOf(projector)).toBe(markShipped.spanContext().spanId);

    expect(saga.attributes).toMatchObject({
      [SpanAttributes.bundle]: 'shipping',
      [SpanAttributes.instance]: 'shipping-1',
      [SpanAttributes.component]: 'ShippingSaga',
      [SpanAttributes.componentKind]: 'saga',
      [SpanAttributes.payloadName]: 'OrderPlaced',
      [SpanAttributes.aggregateId]: 'o1',
      [SpanAttributes.attempt]: 1,
      [SpanAttributes.replay]: false,
      'evento.op': 'evento.event',
      'messaging.system': 'evento',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'OrderPlaced',
    });
    expect(saga.attributes[SpanAttributes.consumerId]).toMatch(/^shipping_ShippingSaga_/);
    expect(typeof saga.attributes[SpanAttributes.sequenceNumber]).toBe('number');
    expect(place.attributes).toMatchObject({
      [SpanAttributes.bundle]: 'orders',
      [SpanAttributes.aggregateId]: 'o1',
      'evento.op': 'evento.command',
    });
    expect(invocation.attributes['evento.op']).toBe('evento.invocation');
    // Nothing of a payload leaves by default.
    for (const span of spans) expect(span.attributes[SpanAttributes.payload]).toBeUndefined();
  });

  it('sends nothing without @Track and without an incoming trace', async () => {
    const flow = await startOrderFlow(new OpenTelemetryTracingAgent({ tracer }));
    await flow.orders.getInvoker(UntrackedOrderApi).place('o1');
    await flow.orders.commandGateway.send(new PlaceOrder('o2'));
    await flow.untilIdle();
    await flow.stop();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual([]);
    // The flow ran all the same.
    expect((await flow.store.readAggregate('o2')).map((e) => e.eventName)).toEqual([
      'OrderPlaced',
      'OrderMarkedShipped',
    ]);
  });

  it('continues a traceparent that arrives in a command’s metadata', async () => {
    const flow = await startOrderFlow(new OpenTelemetryTracingAgent({ tracer }));
    await flow.orders.commandGateway.send(new PlaceOrder('o1'), {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=1',
    });
    await flow.untilIdle();
    await flow.stop();
    const place = named('Order.place(PlaceOrder)');
    expect(place.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(parentOf(place)).toBe('00f067aa0ba902b7');
    expect(place.spanContext().traceState?.get('vendor')).toBe('1');
    expect(named('OrderBoard.onMarkedShipped(OrderMarkedShipped)').spanContext().traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('continues the span of an incoming HTTP request active where the invoker is called', async () => {
    const flow = await startOrderFlow(new OpenTelemetryTracingAgent({ tracer }));
    await tracer.startActiveSpan('GET /orders', async (request) => {
      await flow.orders.getInvoker(UntrackedOrderApi).place('o1');
      request.end();
    });
    await flow.untilIdle();
    await flow.stop();
    const request = named('GET /orders');
    const invocation = named('UntrackedOrderApi.place()');
    expect(parentOf(invocation)).toBe(request.spanContext().spanId);
    expect(named('OrderBoard.onMarkedShipped(OrderMarkedShipped)').spanContext().traceId).toBe(
      request.spanContext().traceId,
    );
  });

  it('ignores a malformed traceparent: no span without @Track, the handler runs', async () => {
    const flow = await startOrderFlow(new OpenTelemetryTracingAgent({ tracer }));
    await flow.orders.commandGateway.send(new PlaceOrder('o1'), {
      traceparent: '00-nothex-00f067aa0ba902b7-01',
    });
    await flow.untilIdle();
    await flow.stop();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    expect(await flow.store.readAggregate('o1')).toHaveLength(2);
  });

  it('marks the span of a failing handler and of its caller failed, with the exception', async () => {
    const flow = await startOrderFlow(new OpenTelemetryTracingAgent({ tracer }));
    const error = await rejectionOf(flow.orders.getInvoker(OrderApi).place('refused-1'));
    await flow.stop();
    expect(error).toBeInstanceOf(OrderRefusedError);
    for (const name of ['Order.place(PlaceOrder)', 'OrderApi.place()']) {
      const span = named(name);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'order refused-1 is refused' });
      expect(span.events.map((e) => e.name)).toEqual(['exception']);
      expect(span.events[0]?.attributes?.['exception.type']).toBe('OrderRefusedError');
    }
  });

  it('lets out of a payload only what the redaction hook returns', async () => {
    const agent = new OpenTelemetryTracingAgent({
      tracer,
      redact: (call) => (call.payload instanceof PlaceOrder ? { orderId: call.payload.orderId } : undefined),
    });
    const flow = await startOrderFlow(agent);
    await flow.orders.getInvoker(OrderApi).place('o1');
    await flow.untilIdle();
    await flow.stop();
    expect(named('Order.place(PlaceOrder)').attributes[SpanAttributes.payload]).toBe('{"orderId":"o1"}');
    const all = JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes));
    expect(all).not.toContain('4111 1111');
    expect(named('OrderApi.place()').attributes[SpanAttributes.payload]).toBeUndefined();
  });

  it('flags the spans of a projector replaying history', async () => {
    @Projector({ batchSize: 1 })
    class LateBoard {
      @EventHandler()
      onMarkedShipped(_event: OrderMarkedShipped): void {}
    }
    const flow = await startOrderFlow(new OpenTelemetryTracingAgent({ tracer }));
    await flow.orders.getInvoker(OrderApi).place('o1');
    await flow.untilIdle();
    const late = await EventoBundle.builder()
      .setBundleId('late')
      .setComponents([LateBoard])
      .setEventStore(flow.store)
      .setContainer(container.createChildContainer())
      .setTracingAgent(new OpenTelemetryTracingAgent({ tracer }))
      .start();
    await late.untilIdle();
    await late.stop();
    await flow.stop();
    expect(named('LateBoard.onMarkedShipped(OrderMarkedShipped)').attributes[SpanAttributes.replay]).toBe(
      true,
    );
    expect(named('OrderBoard.onMarkedShipped(OrderMarkedShipped)').attributes[SpanAttributes.replay]).toBe(
      false,
    );
  });

  it('writes the active span’s trace context into a command sent outside any handler', async () => {
    const flow = await startOrderFlow(new OpenTelemetryTracingAgent({ tracer }));
    await tracer.startActiveSpan('GET /place', async (request) => {
      await flow.orders.commandGateway.send(new PlaceOrder('o1'));
      request.end();
    });
    await flow.untilIdle();
    await flow.stop();
    expect(parentOf(named('Order.place(PlaceOrder)'))).toBe(named('GET /place').spanContext().spanId);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
