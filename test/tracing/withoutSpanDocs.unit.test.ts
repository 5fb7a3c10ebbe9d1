/**
 * The agent sample of docs/observability.md ("Writing your own agent"), run: an agent that makes
 * no span and notes failures, through `withoutSpan`.
 */
import { type HandlerCall, type HandlerNext, type PassedOnCall, type TracingAgent } from '../../src';
import { OrderRefusedError, PlaceOrder, shopBuilder } from '../handling/shop';

// #region agent
class ErrorsOnlyAgent implements TracingAgent {
  readonly failures: unknown[] = [];

  track(_call: HandlerCall, next: HandlerNext): Promise<unknown> {
    return next();
  }

  activeTraceContext(): undefined {
    return undefined;
  }

  // Every call: nothing to add, and its failure noted.
  withoutSpan(call: HandlerCall): PassedOnCall {
    return { onError: (error) => this.failures.push(`${call.component}.${call.handler}: ${String(error)}`) };
  }
}
// #endregion agent

describe('the withoutSpan agent of docs/observability.md', () => {
  it('notes a handler’s failure without running track, and the caller still gets it', async () => {
    const agent = new ErrorsOnlyAgent();
    const track = jest.spyOn(agent, 'track');
    const bundle = await shopBuilder().setTracingAgent(agent).start();
    await bundle.commandGateway.send(new PlaceOrder('o1'));
    await expect(bundle.commandGateway.send(new PlaceOrder('unpaid-1'))).rejects.toBeInstanceOf(
      OrderRefusedError,
    );
    await bundle.untilIdle();
    await bundle.stop();
    expect(track).not.toHaveBeenCalled();
    expect(agent.failures).toEqual([expect.stringMatching(/^Order\.\w+: .*unpaid-1/)]);
  });
});
