/**
 * The trace a flow without one is linked to at sample rate 0 (`flowTrace`): its correlation id as
 * the trace id when it is a UUID, a hash of it otherwise, a random id when there is none; a new
 * span id each time.
 */
import { flowTrace } from '../../src/sentry/unsampledTrace';

const HEX32 = /^[0-9a-f]{32}$/;

describe('flowTrace', () => {
  it('takes a UUID correlation id as the trace id, in lower case without dashes', () => {
    expect(flowTrace('0B8A3C6E-5D2F-4E1A-9C7B-3F6D2E1A0C9B').traceId).toBe(
      '0b8a3c6e5d2f4e1a9c7b3f6d2e1a0c9b',
    );
  });

  it('hashes any other correlation id into a trace id, the same each time', () => {
    const first = flowTrace('order-42').traceId;
    expect(first).toMatch(HEX32);
    expect(flowTrace('order-42').traceId).toBe(first);
    expect(flowTrace('order-43').traceId).not.toBe(first);
  });

  it('never gives the all-zero trace id, which Sentry and W3C refuse', () => {
    const { traceId } = flowTrace('00000000-0000-0000-0000-000000000000');
    expect(traceId).toMatch(HEX32);
    expect(traceId).not.toMatch(/^0+$/);
  });

  it('gives a flow without a correlation id a trace of its own, not one shared by all such flows', () => {
    const [a, b] = [flowTrace(''), flowTrace('')];
    expect(a.traceId).toMatch(HEX32);
    expect(a.traceId).not.toBe(b.traceId);
  });

  it('makes a new span id each time', () => {
    const [a, b] = [flowTrace('order-42'), flowTrace('order-42')];
    expect(a.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(a.spanId).not.toBe(b.spanId);
  });
});
