/**
 * The fixtures tested for false passes: every expectation must fail when what it expects did not
 * happen, with a FixtureAssertionError that shows expected versus actual.
 */
import { AggregateNotInitializedError, Single } from 'evento-ts';
import { AggregateTestFixture, ProjectorTestFixture, SagaTestFixture } from 'evento-ts/testing';
import {
  AccountAggregate,
  AccountClosed,
  AccountOpened,
  AccountReadModel,
  AccountState,
  CloseAccount,
  CreditTransfer,
  Deposit,
  Deposited,
  InsufficientFundsError,
  OpenAccount,
  TransferCredited,
  Withdraw,
  Withdrawn,
} from '../domain/bank';
import {
  AccountProjector,
  PickyObserver,
  PoisonSwitch,
  TransferSaga,
  TransferSagaState,
  TransferStarted,
} from '../domain/bankConsumers';
import {
  CounterAggregate,
  CounterCreated,
  FindLimit,
  IncrementChecked,
  Limits,
  NotifyLimitNear,
} from './counterDomain';
import { assertionFailureOf } from './support';

const openedAt = new Date('2026-01-01T00:00:00Z');

function account() {
  return AggregateTestFixture.of(AccountAggregate).given(
    new AccountOpened('a1', 'ann', openedAt),
    new Deposited('a1', 30),
  );
}

/** A chain that must fail, and fragments its message must contain. */
type Case = [name: string, chain: () => PromiseLike<unknown>, fragments: string[]];

function failsAsExpected(cases: Case[]): void {
  it.each(cases)('%s', async (_name, chain, fragments) => {
    const error = await assertionFailureOf(chain());
    for (const fragment of fragments) expect(error.message).toContain(fragment);
  });
}

describe('AggregateTestFixture expectations fail when they should', () => {
  failsAsExpected([
    [
      'expectEvents: a field differs',
      () => account().when(new Withdraw('a1', 20)).expectEvents(new Withdrawn('a1', 25)),
      [
        'expectEvents: the command Withdraw produced other events than expected',
        'event 1 (Withdrawn): amount: expected 25, got 20',
        '-     amount: 25',
        '+     amount: 20',
      ],
    ],
    [
      'expectEvents: the class differs',
      () => account().when(new Withdraw('a1', 20)).expectEvents(new Deposited('a1', 20)),
      [
        "event 1: expected Deposited { accountId: 'a1', amount: 20 }, got Withdrawn { accountId: 'a1', amount: 20 }",
        '-   Deposited {',
        '+   Withdrawn {',
      ],
    ],
    [
      'expectEvents: an optional field is set on one side only',
      () =>
        account()
          .when(new Withdraw('a1', 20))
          .expectEvents(new Withdrawn('a1', 20, 't1')),
      ["event 1 (Withdrawn): transferId: expected 't1', got (absent)"],
    ],
    [
      'expectEvents: an event is missing',
      () =>
        account().when(new Withdraw('a1', 20)).expectEvents(new Withdrawn('a1', 20), new Withdrawn('a1', 1)),
      [
        '(expected 2 events, got 1)',
        "event 2: expected Withdrawn { accountId: 'a1', amount: 1 }, but there is none",
      ],
    ],
    [
      'expectEvents: an extra event',
      () => account().when(new Withdraw('a1', 20)).expectEvents(),
      ['(expected 0 events, got 1)', "event 1: unexpected Withdrawn { accountId: 'a1', amount: 20 }"],
    ],
    [
      'expectEvents: the command failed',
      () => account().when(new Withdraw('a1', 50)).expectEvents(new Withdrawn('a1', 50)),
      [
        'The command Withdraw failed with InsufficientFundsError: "Account a1 has 30, cannot withdraw 50"',
        'expectException(InsufficientFundsError)',
      ],
    ],
    [
      'expectEvents: a matcher does not match',
      () =>
        account()
          .when(new Withdraw('a1', 20))
          .expectEvents(new Withdrawn('a1', expect.any(String) as number)),
      ['amount: expected Any<String>, got 20'],
    ],
    [
      'expectEventsMatching: the predicate returns false',
      () =>
        account()
          .when(new Withdraw('a1', 20))
          .expectEventsMatching((events) => events.length === 2),
      [
        'expectEventsMatching: the predicate returned false (not true)',
        "event 1: Withdrawn { accountId: 'a1', amount: 20 }",
      ],
    ],
    [
      'expectEventsMatching: the predicate returns nothing',
      () =>
        account()
          .when(new Withdraw('a1', 20))
          .expectEventsMatching(((events: unknown[]) => void events) as unknown as () => boolean),
      ['the predicate returned undefined (not true)'],
    ],
    [
      'expectNoEvents: the command produced events',
      () => account().when(new Withdraw('a1', 20)).expectNoEvents(),
      ['expectNoEvents: the command Withdraw produced 1 event', "Withdrawn { accountId: 'a1', amount: 20 }"],
    ],
    [
      'expectException: the command succeeded',
      () => account().when(new Withdraw('a1', 20)).expectException(InsufficientFundsError),
      [
        'expectException: expected the command Withdraw to fail with InsufficientFundsError, but it succeeded',
      ],
    ],
    [
      'expectException: another error class',
      () => account().when(new Withdraw('a1', 50)).expectException(AggregateNotInitializedError),
      ['to fail with AggregateNotInitializedError, but it failed with InsufficientFundsError', 'Thrown at:'],
    ],
    [
      'expectException: the message does not contain the text',
      () =>
        account().when(new Withdraw('a1', 50)).expectException(InsufficientFundsError, 'cannot withdraw 60'),
      [
        'failed with InsufficientFundsError as expected, but its message does not contain "cannot withdraw 60"',
      ],
    ],
    [
      'expectException: the message does not match the RegExp',
      () => account().when(new Withdraw('a1', 50)).expectException(InsufficientFundsError, /^Nope/),
      ['its message does not match /^Nope/'],
    ],
    [
      'expectException: the predicate is not met',
      () =>
        account()
          .when(new Withdraw('a1', 50))
          .expectException(InsufficientFundsError, (e) => e.balance === 0),
      ['the predicate did not return true for it'],
    ],
    [
      'expectState: the assertion returns false',
      () =>
        account()
          .when(new Withdraw('a1', 20))
          .expectState((s: AccountState) => s.balance === 0),
      [
        'expectState: the assertion returned false for the state after the command Withdraw',
        "AccountState { balance: 10, deleted: false, owner: 'ann' }",
      ],
    ],
    [
      'expectState: the command failed and the chain did not expect it',
      () =>
        account()
          .when(new Withdraw('a1', 50))
          .expectState((s: AccountState) => s.balance === 30),
      ['The command Withdraw failed with InsufficientFundsError'],
    ],
    [
      'expectState: there is no state',
      () =>
        AggregateTestFixture.of(AccountAggregate)
          .when(new Deposit('a1', 1))
          .expectException(AggregateNotInitializedError)
          .expectState(() => true),
      ['expectState: the aggregate has no state after the command Deposit'],
    ],
    [
      'expectDeleted: the aggregate is not deleted',
      () => account().when(new Withdraw('a1', 20)).expectDeleted(),
      ['expectDeleted: the aggregate is not marked deleted after the command Withdraw', 'setDeleted(true)'],
    ],
    [
      'expectSuccessfulHandlerExecution: the command failed',
      () => account().when(new Withdraw('a1', 50)).expectException(Error).expectSuccessfulHandlerExecution(),
      ['expectSuccessfulHandlerExecution: the command Withdraw failed with InsufficientFundsError'],
    ],
    [
      'expectDispatchedCommands: another command was sent',
      () =>
        AggregateTestFixture.of(CounterAggregate, { resources: [new Limits(9)] })
          .onQuery(FindLimit, Single.of(5))
          .given(new CounterCreated('c1', openedAt))
          .when(new IncrementChecked('c1', 5))
          .expectDispatchedCommands(new NotifyLimitNear('c1', 4)),
      [
        'expectDispatchedCommands: the command IncrementChecked sent other commands than expected',
        'command 1 (NotifyLimitNear): count: expected 4, got 5',
      ],
    ],
    [
      'expectDispatchedCommands: nothing was sent',
      () => account().when(new Withdraw('a1', 20)).expectDispatchedCommands(new Deposit('a1', 1)),
      ["command 1: expected Deposit { accountId: 'a1', amount: 1 }, but there is none"],
    ],
    [
      'expectNoDispatchedCommands: a command was sent',
      () =>
        AggregateTestFixture.of(CounterAggregate, { resources: [new Limits(9)] })
          .onQuery(FindLimit, Single.of(5))
          .given(new CounterCreated('c1', openedAt))
          .when(new IncrementChecked('c1', 5))
          .expectNoDispatchedCommands(),
      [
        'expectNoDispatchedCommands: the command IncrementChecked sent 1 command:',
        "NotifyLimitNear { count: 5, id: 'c1' }",
      ],
    ],
    [
      'a later expectation fails after earlier ones passed',
      () =>
        account()
          .when(new CloseAccount('a1'))
          .expectEvents(new AccountClosed('a1'))
          .expectDeleted()
          .expectState(() => false),
      ['expectState: the assertion returned false'],
    ],
    [
      'an init command fails on an existing aggregate',
      () =>
        account()
          .when(new OpenAccount('a1', 'ann'))
          .expectEvents(new AccountOpened('a1', 'ann', openedAt)),
      ['The command OpenAccount failed with AggregateInitializedError'],
    ],
  ]);

  it('points the failure at the test line that asked for the expectation', async () => {
    const error = await assertionFailureOf(
      account().when(new Withdraw('a1', 20)).expectEvents(new Withdrawn('a1', 1)),
    );
    const firstFrame = (error.stack ?? '').split('\n').find((line) => line.trimStart().startsWith('at '));
    expect(firstFrame).toContain('falsePasses.unit.test.ts');
  });

  it('keeps expected and actual on the error', async () => {
    const error = await assertionFailureOf(
      account().when(new Withdraw('a1', 20)).expectEvents(new Withdrawn('a1', 1)),
    );
    expect(error.expected).toEqual([new Withdrawn('a1', 1)]);
    expect(error.actual).toEqual([new Withdrawn('a1', 20)]);
  });
});

describe('SagaTestFixture expectations fail when they should', () => {
  const started = () =>
    SagaTestFixture.of(TransferSaga).givenPublished(new TransferStarted('t1', 'a1', 'a2', 30));
  failsAsExpected([
    [
      'expectActiveSagas: another count',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectActiveSagas(2),
      [
        'expectActiveSagas: expected 2 active sagas after TransferSaga handling Withdrawn, got 1',
        "associations { creditAccount: 'a2', transferId: 't1' }",
      ],
    ],
    [
      'expectAssociationWith: no such association',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectAssociationWith('creditAccount', 'a1'),
      ['expectAssociationWith: no active saga is associated with creditAccount = "a1"'],
    ],
    [
      'expectNoAssociationWith: the association is there',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectNoAssociationWith('transferId', 't1'),
      ['expectNoAssociationWith: an active saga is still associated with transferId = "t1"'],
    ],
    [
      'expectDispatchedCommands: another command',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectDispatchedCommands(new CreditTransfer('a2', 31, 't1')),
      ['command 1 (CreditTransfer): amount: expected 31, got 30'],
    ],
    [
      'expectDispatchedCommands: the event reached no instance',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't9'))
          .expectDispatchedCommands(new CreditTransfer('a2', 30, 't9')),
      ['(expected 1 command, got 0)'],
    ],
    [
      'expectNoDispatchedCommands: a command was sent',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectNoDispatchedCommands(),
      ['expectNoDispatchedCommands: TransferSaga handling Withdrawn sent 1 command'],
    ],
    [
      'expectEnded: the instance goes on',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectEnded(),
      ['expectEnded: the saga instance that handled Withdrawn did not end', "step: 'crediting'"],
    ],
    [
      'expectEnded: no instance handled the event',
      () =>
        started()
          .whenPublished(new TransferCredited('a2', 30, 't9'))
          .expectEnded(),
      ['expectEnded: no saga instance handled TransferCredited'],
    ],
    [
      'expectState: the assertion returns false',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectState((s: TransferSagaState) => s.step === 'done'),
      ['expectState: the assertion returned false for the saga state after TransferSaga handling Withdrawn'],
    ],
    [
      'expectState: the instance ended',
      () =>
        started()
          .givenPublished(new Withdrawn('a1', 30, 't1'))
          .whenPublished(new TransferCredited('a2', 30, 't1'))
          .expectState(() => true),
      ['expectState: no saga instance is left from TransferSaga handling TransferCredited (it ended)'],
    ],
    [
      'expectException: the handler succeeded',
      () =>
        started()
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectException(Error),
      ['expectException: expected TransferSaga handling Withdrawn to fail with Error, but it succeeded'],
    ],
    [
      'a handler that throws fails a chain without expectException',
      () =>
        started()
          .onCommand(CreditTransfer, new Error('bank down'))
          .whenPublished(new Withdrawn('a1', 30, 't1'))
          .expectActiveSagas(1),
      ['TransferSaga handling Withdrawn failed with Error: "bank down"'],
    ],
  ]);
});

describe('ProjectorTestFixture expectations fail when they should', () => {
  failsAsExpected([
    [
      'a handler that throws fails the awaited result',
      () =>
        ProjectorTestFixture.of(PickyObserver, { resources: [new PoisonSwitch()] }).whenPublished(
          new Deposited('a1', 13),
        ),
      [
        'PickyObserver handling Deposited failed with RangeError: "13 is unlucky"',
        'expectException(RangeError)',
      ],
    ],
    [
      'expectException: the handler succeeded',
      () =>
        ProjectorTestFixture.of(PickyObserver, { resources: [new PoisonSwitch()] })
          .whenPublished(new Deposited('a1', 12))
          .expectException(RangeError),
      [
        'expectException: expected PickyObserver handling Deposited to fail with RangeError, but it succeeded',
      ],
    ],
    [
      'expectReadModel: the assertion returns false',
      () => {
        const model = new AccountReadModel();
        return ProjectorTestFixture.of(AccountProjector, { resources: [model] })
          .given(new AccountOpened('a1', 'ann', openedAt))
          .whenPublished(new Deposited('a1', 5))
          .expectReadModel(() => model.accounts.get('a1')?.balance === 6);
      },
      ['expectReadModel: the assertion returned false after AccountProjector handling Deposited'],
    ],
    [
      'expectDispatchedCommands: nothing was sent',
      () =>
        ProjectorTestFixture.of(AccountProjector, { resources: [new AccountReadModel()] })
          .whenPublished(new Deposited('a1', 5))
          .expectDispatchedCommands(new Deposit('a1', 1)),
      ['expectDispatchedCommands: AccountProjector handling Deposited sent other commands than expected'],
    ],
  ]);

  it('points a handler failure no expectation asked about at the line of the when', async () => {
    const error = await assertionFailureOf(
      ProjectorTestFixture.of(PickyObserver, { resources: [new PoisonSwitch()] }).whenPublished(
        new Deposited('a1', 13),
      ),
    );
    const firstFrame = (error.stack ?? '').split('\n').find((line) => line.trimStart().startsWith('at '));
    expect(firstFrame).toContain('falsePasses.unit.test.ts');
  });

  it('a rejected expectReadModel assertion rejects the chain with its own error', async () => {
    const model = new AccountReadModel();
    const chain = ProjectorTestFixture.of(AccountProjector, { resources: [model] })
      .whenPublished(new Deposited('a1', 5))
      .expectReadModel(() => {
        expect(model.accounts.size).toBe(1);
      });
    await expect(chain).rejects.toThrow(/toBe/);
  });

  it('an expectState assertion that throws rejects the chain with its own error', async () => {
    await expect(
      account()
        .when(new Withdraw('a1', 20))
        .expectState((s: AccountState) => {
          expect(s.balance).toBe(0);
        }),
    ).rejects.toThrow(/Expected: 0/);
  });
});
