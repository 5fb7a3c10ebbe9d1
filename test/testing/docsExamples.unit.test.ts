/**
 * The examples of docs/testing.md. Each `// #region` below is copied verbatim into the doc, and
 * test/docs/samples.unit.test.ts keeps the two in step; the failure output shown in the doc is
 * checked against the real message here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AggregateNotInitializedError, CommandGateway, QueryGateway, Single } from 'evento-ts';
import {
  AggregateTestFixture,
  ProjectorTestFixture,
  RecordingGateways,
  SagaTestFixture,
  published,
} from 'evento-ts/testing';
import {
  AccountAggregate,
  AccountClosed,
  AccountOpened,
  AccountReadModel,
  AccountState,
  AccountView,
  CloseAccount,
  CreditTransfer,
  Deposit,
  Deposited,
  FindAccount,
  InsufficientFundsError,
  OpenAccount,
  TransferCredited,
  Withdraw,
  Withdrawn,
} from '../domain/bank';
import { AccountProjector, TransferSaga, TransferSagaState, TransferStarted } from '../domain/bankConsumers';
import {
  CounterAggregate,
  CounterCreated,
  FindLimit,
  IncrementChecked,
  IncrementSloppily,
  Incremented,
  Limits,
  NotifyLimitNear,
} from './counterDomain';
import { assertionFailureOf } from './support';

const openedAt = new Date('2026-01-01T00:00:00Z');

// #region aggregate
it('withdraws what the balance covers', async () => {
  await AggregateTestFixture.of(AccountAggregate)
    .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
    .when(new Withdraw('a1', 20))
    .expectEvents(new Withdrawn('a1', 20))
    .expectState((state: AccountState) => state.balance === 10);
});

it('refuses to overdraw, and appends nothing', async () => {
  await AggregateTestFixture.of(AccountAggregate)
    .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
    .when(new Withdraw('a1', 50))
    .expectException(InsufficientFundsError, 'cannot withdraw 50')
    .expectNoEvents();
});
// #endregion aggregate

// #region aggregate-lifecycle
it('opens an account, then closes it', async () => {
  await AggregateTestFixture.of(AccountAggregate)
    .givenNoPriorActivity()
    .when(new OpenAccount('a1', 'ann'))
    .expectEvents(new AccountOpened('a1', 'ann', openedAt));
  await AggregateTestFixture.of(AccountAggregate)
    .givenCommands(new OpenAccount('a1', 'ann'), new Deposit('a1', 5))
    .when(new CloseAccount('a1'))
    .expectEvents(new AccountClosed('a1'))
    .expectDeleted();
});

it('applies the runtime rules: no command before the init command', async () => {
  await AggregateTestFixture.of(AccountAggregate)
    .givenNoPriorActivity()
    .when(new Deposit('a1', 5))
    .expectException(AggregateNotInitializedError);
});
// #endregion aggregate-lifecycle

// #region aggregate-dependencies
it('asks the projection for the limit and tells the service when it is reached', async () => {
  await AggregateTestFixture.of(CounterAggregate)
    .registerInjectableResource(Limits, new Limits(100))
    .onQuery(FindLimit, Single.of(5))
    .given(new CounterCreated('c1', openedAt), new Incremented('c1', 3))
    .when(new IncrementChecked('c1', 2))
    .expectEvents(new Incremented('c1', 2))
    .expectDispatchedCommands(new NotifyLimitNear('c1', 5));
});
// #endregion aggregate-dependencies

// #region saga
describe('TransferSaga', () => {
  const fixture = () => SagaTestFixture.of(TransferSaga);

  it('debits the source account when a transfer starts', async () => {
    await fixture()
      .givenNoPriorActivity()
      .whenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
      .expectActiveSagas(1)
      .expectAssociationWith('transferId', 't1')
      .expectDispatchedCommands(new Withdraw('a1', 30, 't1'));
  });

  it('credits the target account once the debit is done', async () => {
    await fixture()
      .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
      .whenPublished(new Withdrawn('a1', 30, 't1'))
      .expectDispatchedCommands(new CreditTransfer('a2', 30, 't1'))
      .expectAssociationWith('creditAccount', 'a2')
      .expectState((state: TransferSagaState) => state.step === 'crediting');
  });

  it('ends once the credit is done', async () => {
    await fixture()
      .givenPublished(new TransferStarted('t1', 'a1', 'a2', 30), new Withdrawn('a1', 30, 't1'))
      .whenPublished(new TransferCredited('a2', 30, 't1'))
      .expectEnded()
      .expectNoAssociationWith('transferId', 't1')
      .expectNoDispatchedCommands();
  });

  it('fails, and starts nothing, when the debit is refused', async () => {
    await fixture()
      .onCommand(Withdraw, new InsufficientFundsError('a1', 0, 30))
      .whenPublished(new TransferStarted('t1', 'a1', 'a2', 30))
      .expectException(InsufficientFundsError)
      .expectActiveSagas(0);
  });
});
// #endregion saga

// #region projector
describe('AccountProjector', () => {
  it('keeps the balance of each account', async () => {
    const model = new AccountReadModel();
    await ProjectorTestFixture.of(AccountProjector, { resources: [model] })
      .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
      .whenPublished(new Withdrawn('a1', 10));
    expect(model.accounts.get('a1')).toEqual(new AccountView('a1', 'ann', 20));
  });

  it('counts live updates only once caught up', async () => {
    const model = new AccountReadModel();
    await ProjectorTestFixture.of(AccountProjector, { resources: [model], isHeadReached: false })
      .given(new AccountOpened('a1', 'ann', openedAt))
      .whenPublished(published(new Deposited('a1', 5), { aggregateId: 'a1', metadata: { user: 'ann' } }));
    expect(model.liveUpdates).toBe(0);
  });

  it('is idempotent: replaying the events leaves the read model as it was', async () => {
    const model = new AccountReadModel();
    await ProjectorTestFixture.of(AccountProjector, { resources: [model] })
      .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
      .whenReplayedTwice(() => model.accounts);
  });
});
// #endregion projector

// #region recording-gateways
/** Application code that takes the gateways. */
class Teller {
  constructor(
    private readonly commands: CommandGateway,
    private readonly queries: QueryGateway,
  ) {}

  async payOut(accountId: string): Promise<void> {
    const account = await this.queries.query(new FindAccount(accountId));
    await this.commands.send(new Withdraw(accountId, account.data.balance));
  }
}

it('pays out the whole balance', async () => {
  const gateways = new RecordingGateways().onQuery(FindAccount, Single.of(new AccountView('a1', 'ann', 10)));
  await new Teller(gateways.commandGateway, gateways.queryGateway).payOut('a1');
  expect(gateways.dispatchedCommands).toEqual([new Withdraw('a1', 10)]);
});
// #endregion recording-gateways

describe('the failure output shown in docs/testing.md', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'testing.md'), 'utf8');

  function shown(name: string): string {
    const match = new RegExp(`<!-- output: ${name} -->\\s*\\n\`\`\`text\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
    if (match?.[1] === undefined) throw new Error(`docs/testing.md shows no output '${name}'`);
    return match[1];
  }

  it('expectEvents', async () => {
    const error = await assertionFailureOf(
      AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
        .when(new Withdraw('a1', 20))
        .expectEvents(new Withdrawn('a1', 25)),
    );
    expect(`${error.name}: ${error.message}`).toBe(shown('expect-events'));
  });

  it('illegal state change', async () => {
    const error = await assertionFailureOf(
      AggregateTestFixture.of(CounterAggregate, { resources: [new Limits(100)] })
        .given(new CounterCreated('c1', openedAt))
        .when(new IncrementSloppily('c1'))
        .expectEvents(new Incremented('c1', 1)),
    );
    expect(`${error.name}: ${error.message}`).toBe(shown('illegal-state-change'));
  });
});
