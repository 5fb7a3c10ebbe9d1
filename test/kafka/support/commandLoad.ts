/**
 * Deposits sent at a steady rate over several accounts, each with an amount no other deposit of
 * the load has, so that the event store can tell which command an event came from. Every call is
 * followed to its end: resolved, or rejected with an error of a named kind. At most
 * `maxOutstanding` calls wait for their answer at once: a cluster that cannot keep up (a loaded
 * machine, a rebalance) sets the pace instead of piling up calls that all time out.
 */
import { DeliveryError, HandlerLostError, TimeoutError, type CommandGateway } from '../../../src';
import { Deposit } from '../../domain/bank';

/** How a call ended. */
export type Outcome = 'resolved' | 'TimeoutError' | 'HandlerLostError' | 'DeliveryError' | 'other';

/** One deposit sent. */
export interface Call {
  readonly accountId: string;
  /** Unique within the load: 1, 2, 3, ... */
  readonly amount: number;
  /** How it ended; undefined while it has not. */
  outcome: Outcome | undefined;
  /** How many times it ended (a promise settles once; this counts what the caller saw). */
  settlements: number;
  /** The resolved value or the rejection. */
  result: unknown;
}

function outcomeOf(error: unknown): Outcome {
  if (error instanceof TimeoutError) return 'TimeoutError';
  if (error instanceof HandlerLostError) return 'HandlerLostError';
  if (error instanceof DeliveryError) return 'DeliveryError';
  return 'other';
}

/** Sends Deposits through `gateway` at `perSecond`, round robin over `accounts`, until stopped. */
export class CommandLoad {
  readonly calls: Call[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  /** Deposits owed to the rate. */
  private credit = 0;
  private outstanding = 0;

  constructor(
    private readonly gateway: CommandGateway,
    private readonly accounts: readonly string[],
    private readonly options: {
      readonly perSecond: number;
      /** Each call's timeout. */
      readonly timeoutMs: number;
      readonly maxOutstanding: number;
    },
  ) {}

  /** Starts sending; the rate is kept on average (a late tick sends what it owes). */
  start(): void {
    this.lastTick = Date.now();
    this.timer = setInterval(() => this.tick(), 20);
  }

  /** Stops sending; the calls sent go on. */
  stop(): void {
    clearInterval(this.timer);
  }

  /** The largest amount sent so far. */
  get lastAmount(): number {
    return this.calls.length;
  }

  /** Resolves once every call has ended; rejects after `timeoutMs`, naming those that did not. */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open = this.calls.filter((c) => c.outcome === undefined);
      if (open.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(
          `${open.length} of ${this.calls.length} calls did not end within ${timeoutMs} ms: amounts ${open
            .slice(0, 20)
            .map((c) => c.amount)
            .join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** How many calls ended each way. */
  outcomes(): Record<Outcome, number> {
    const counts: Record<Outcome, number> = {
      resolved: 0,
      TimeoutError: 0,
      HandlerLostError: 0,
      DeliveryError: 0,
      other: 0,
    };
    for (const call of this.calls) if (call.outcome !== undefined) counts[call.outcome]++;
    return counts;
  }

  private tick(): void {
    const now = Date.now();
    this.credit += ((now - this.lastTick) * this.options.perSecond) / 1000;
    this.lastTick = now;
    while (this.credit >= 1 && this.outstanding < this.options.maxOutstanding) {
      this.credit--;
      this.sendOne();
    }
    if (this.outstanding >= this.options.maxOutstanding) this.credit = 0;
  }

  private sendOne(): void {
    const amount = this.calls.length + 1;
    const accountId = this.accounts[amount % this.accounts.length] as string;
    const call: Call = { accountId, amount, outcome: undefined, settlements: 0, result: undefined };
    this.calls.push(call);
    this.outstanding++;
    void this.gateway
      .send(new Deposit(accountId, amount), undefined, { timeoutMs: this.options.timeoutMs })
      .then(
        (value) => {
          if (call.settlements++ === 0) this.outstanding--;
          call.outcome ??= 'resolved';
          call.result = value;
        },
        (error: unknown) => {
          if (call.settlements++ === 0) this.outstanding--;
          call.outcome ??= outcomeOf(error);
          call.result = error;
        },
      );
  }
}
