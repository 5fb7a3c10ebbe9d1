/**
 * A query the domain processes answer from the event store they share, saying which instance
 * answered: the API process asks it across the bus.
 */
import { Projection, Query, QueryHandler, Single, View, type EventStore } from '../../../src';

export class AccountBalance extends View {
  constructor(
    readonly accountId: string,
    readonly balance: number,
    readonly deposits: number,
    /** The instance that answered. */
    readonly answeredBy: string,
  ) {
    super();
  }
}

export class GetAccountBalance extends Query<Single<AccountBalance>> {
  constructor(readonly accountId: string) {
    super();
  }
}

/** Where the balances are read from, and who reads them. */
export class BalanceSource {
  constructor(
    readonly eventStore: EventStore,
    readonly instanceId: string,
  ) {}
}

/** Sums an account's deposits, straight from its events. */
@Projection()
export class Balances {
  constructor(private readonly source: BalanceSource) {}

  @QueryHandler()
  async get(query: GetAccountBalance): Promise<Single<AccountBalance>> {
    const events = await this.source.eventStore.readAggregate(query.accountId);
    const amounts = events
      .filter((e) => e.eventName === 'Deposited')
      .map((e) => (JSON.parse(e.payload) as { amount: number }).amount);
    return Single.of(
      new AccountBalance(
        query.accountId,
        amounts.reduce((a, b) => a + b, 0),
        amounts.length,
        this.source.instanceId,
      ),
    );
  }
}
