/**
 * What the Sentry agent passes on without a span (`withoutSpan`), decided from its client's
 * sampling and the call's incoming trace: keys and an error hook for calls it will not sample,
 * undefined for calls that get a span. The clients here send nothing: no event is captured.
 */
import * as Sentry from '@sentry/node';
import { CommandMessage, DomainCommand, Metadata, type HandlerCall } from '../../src';
import { SentryTracingAgent } from '../../src/sentry';

class Ping extends DomainCommand {
  getAggregateId(): string {
    return 'a1';
  }
}

function client(tracesSampleRate: number): Sentry.NodeClient {
  return new Sentry.NodeClient({
    dsn: 'http://public@127.0.0.1:9/1',
    tracesSampleRate,
    integrations: [],
    transport: Sentry.makeNodeTransport,
    stackParser: Sentry.defaultStackParser,
  });
}

function call(tracked: boolean, metadata: Record<string, string> = {}): HandlerCall {
  const md = new Metadata({ messageId: 'm1', correlationId: 'm1', ...metadata });
  const message = new CommandMessage(new Ping(), 'Ping', md, new Date());
  return {
    bundleId: 'b',
    instanceId: 'i',
    componentKind: 'aggregate',
    component: 'Account',
    handlerKind: 'aggregateCommand',
    handler: 'ping',
    payloadName: 'Ping',
    payload: message.payload,
    message,
    metadata: md,
    aggregateId: 'a1',
    sequenceNumber: undefined,
    consumerId: undefined,
    attempt: undefined,
    headReached: undefined,
    lastAttempt: undefined,
    tracked,
  };
}

const SAMPLED_PARENT = { 'sentry-trace': '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1' };
const UNSAMPLED_PARENT = { 'sentry-trace': '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0' };

describe('SentryTracingAgent.withoutSpan', () => {
  it('passes every call on unchanged when there is no client', () => {
    expect(new SentryTracingAgent().withoutSpan(call(true))).toEqual({});
  });

  it('at rate 0 gives a tracked call the flow’s trace: no keys to add, an error hook', () => {
    const passed = new SentryTracingAgent({ client: client(0) }).withoutSpan(call(true));
    expect(passed?.metadata).toBeUndefined();
    expect(typeof passed?.onError).toBe('function');
  });

  it('at rate 0 with propagateUnsampledTraces starts an unsampled trace: new keys, the negative decision', () => {
    const agent = new SentryTracingAgent({ client: client(0), propagateUnsampledTraces: true });
    const passed = agent.withoutSpan(call(true));
    expect(passed?.metadata?.['sentry-trace']).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}-0$/);
    const traceId = passed?.metadata?.['sentry-trace']?.slice(0, 32);
    expect(passed?.metadata?.baggage).toContain(`sentry-trace_id=${traceId}`);
    expect(passed?.metadata?.baggage).toContain('sentry-sampled=false');
    expect(typeof passed?.onError).toBe('function');
  });

  it('at rate 0 continues an unsampled parent’s trace with a span id of its own', () => {
    const passed = new SentryTracingAgent({ client: client(0) }).withoutSpan(call(false, UNSAMPLED_PARENT));
    const [traceId, spanId, flag] = (passed?.metadata?.['sentry-trace'] ?? '').split('-');
    expect(traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(spanId).not.toBe('00f067aa0ba902b7');
    expect(flag).toBe('0');
  });

  it('leaves to track a call that gets a span: a parent that sampled, or a tracked call at rate 1', () => {
    expect(
      new SentryTracingAgent({ client: client(0) }).withoutSpan(call(false, SAMPLED_PARENT)),
    ).toBeUndefined();
    expect(new SentryTracingAgent({ client: client(1) }).withoutSpan(call(true))).toBeUndefined();
  });

  it('passes an untraced call on without keys, still watching for its failure', () => {
    const passed = new SentryTracingAgent({ client: client(1) }).withoutSpan(call(false));
    expect(passed?.metadata).toBeUndefined();
    expect(typeof passed?.onError).toBe('function');
  });
});
