import {
  AggregateDeletedError,
  AggregateInitializedError,
  AggregateNotInitializedError,
  ComponentDefinitionError,
  ConfigurationError,
  HandlerReturnError,
  InvalidArgumentError,
  NoHandlerError,
  Single,
  Aggregate,
  AggregateCommandHandler,
  AggregateState,
  DomainCommand,
  DomainEvent,
  EventSourcingHandler,
  Metadata,
} from 'evento-ts';
import { AggregateTestFixture, FixtureAssertionError } from 'evento-ts/testing';
import {
  AccountAggregate,
  AccountClosed,
  AccountOpened,
  AccountState,
  CloseAccount,
  Deposit,
  Deposited,
  InsufficientFundsError,
  OpenAccount,
  Withdraw,
  Withdrawn,
} from '../domain/bank';
import {
  CounterAggregate,
  CounterCreated,
  CounterRemoved,
  CounterState,
  CreateCounter,
  FindLimit,
  Increment,
  IncrementChecked,
  IncrementSloppily,
  Incremented,
  LimitExceededError,
  Limits,
  NotifyLimitNear,
  RemoveCounter,
  Tag,
  TagCounter,
  Tagged,
} from './counterDomain';
import { assertionFailureOf, failureOf } from './support';

const openedAt = new Date('2026-01-01T00:00:00Z');
const noon = new Date('2026-03-01T12:00:00Z');

function counter(max = 10): AggregateTestFixture {
  return AggregateTestFixture.of(CounterAggregate).registerInjectableResource(Limits, new Limits(max));
}

describe('AggregateTestFixture', () => {
  describe('given events, when a command, then events and state', () => {
    it('passes when the command produces the expected events and state', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
        .when(new Withdraw('a1', 20))
        .expectEvents(new Withdrawn('a1', 20))
        .expectState((s: AccountState) => s.balance === 10)
        .expectSuccessfulHandlerExecution()
        .expectNoDispatchedCommands();
    });

    it('resolves to the outcome: events, rebuilt state, version and what send() would return', async () => {
      const outcome = await AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt))
        .when(new Deposit('a1', 5))
        .expectEvents(new Deposited('a1', 5));
      expect(outcome.events).toEqual([new Deposited('a1', 5)]);
      expect(outcome.result).toEqual(new Deposited('a1', 5));
      expect(outcome.state).toBeInstanceOf(AccountState);
      expect((outcome.state as AccountState).balance).toBe(5);
      expect(outcome.version).toBe(2);
      expect(outcome.failed).toBe(false);
    });

    it('a handler returning an array resolves to the array, as send() does', async () => {
      const outcome = await counter()
        .given(new CounterCreated('c1', noon))
        .when(new RemoveCounter('c1'))
        .expectEvents(new CounterRemoved('c1'))
        .expectDeleted();
      expect(outcome.result).toEqual([new CounterRemoved('c1')]);
    });

    it('givenNoPriorActivity runs an init command on a new aggregate', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .givenNoPriorActivity()
        .when(new OpenAccount('a1', 'ann'))
        .expectEvents(new AccountOpened('a1', 'ann', openedAt))
        .expectState((s: AccountState) => s.owner === 'ann' && s.balance === 0);
    });

    it('givenCommands builds the past from the events the commands produce', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .givenCommands(new OpenAccount('a1', 'ann'), new Deposit('a1', 50))
        .when(new Withdraw('a1', 20))
        .expectEvents(new Withdrawn('a1', 20))
        .expectState((s: AccountState) => s.balance === 30);
    });

    it('given steps combine in order: events, commands, more events', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt))
        .givenCommands(new Deposit('a1', 50))
        .given(new Withdrawn('a1', 10))
        .when(new Withdraw('a1', 40))
        .expectEvents(new Withdrawn('a1', 40))
        .expectState((s: AccountState) => s.balance === 0);
    });

    it('givenState starts from a state, as a snapshot would, and events apply on top', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .givenState(new AccountState('ann', 100))
        .given(new Deposited('a1', 5))
        .when(new Withdraw('a1', 105))
        .expectEvents(new Withdrawn('a1', 105))
        .expectState((s: AccountState) => s.balance === 0 && s.owner === 'ann');
    });

    it('givenState means the aggregate exists: an init command is rejected', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .givenState(new AccountState('ann', 100))
        .when(new OpenAccount('a1', 'ann'))
        .expectException(AggregateInitializedError);
    });

    it('givenState rejects a state of another class', () => {
      class OtherState extends AggregateState {}
      expect(() => AggregateTestFixture.of(AccountAggregate).givenState(new OtherState())).toThrow(
        InvalidArgumentError,
      );
    });

    it('givenCurrentTime is the message time handlers see, for the command and the events', async () => {
      await counter()
        .givenCurrentTime(noon)
        .givenNoPriorActivity()
        .when(new CreateCounter('c1'))
        .expectEvents(new CounterCreated('c1', noon))
        .expectState((s: CounterState) => s.createdAt?.getTime() === noon.getTime());
      const later = new Date('2026-03-02T08:00:00Z');
      await counter()
        .givenCurrentTime(later)
        .given(new CounterCreated('c1', noon))
        .when(new Increment('c1', 2))
        .expectState((s: CounterState) => s.count === 2 && s.lastChangeAt?.getTime() === later.getTime());
    });

    it('accepts asymmetric matchers (such as jest expect.any) in expected events', async () => {
      await counter()
        .givenNoPriorActivity()
        .when(new CreateCounter('c1'))
        .expectEvents(new CounterCreated('c1', expect.any(Date) as Date));
    });

    it('expectEventsMatching passes when the predicate returns true', async () => {
      await counter()
        .given(new CounterCreated('c1', noon))
        .when(new Increment('c1', 3))
        .expectEventsMatching((events) => events.length === 1 && (events[0] as Incremented).by === 3);
    });

    it('passes the metadata to the command handler, and the events inherit it', async () => {
      @Aggregate()
      class Audited {
        @AggregateCommandHandler({ init: true })
        create(command: CreateCounter, metadata: Metadata): CounterCreated {
          return new CounterCreated(`${command.id}:${metadata.get('user') ?? '?'}`, noon);
        }
        @EventSourcingHandler()
        onCreated(_event: CounterCreated): CounterState {
          return new CounterState();
        }
      }
      await AggregateTestFixture.of(Audited)
        .when(new CreateCounter('c1'), { user: 'ann' })
        .expectEvents(new CounterCreated('c1:ann', noon));
    });
  });

  describe('the runtime rules', () => {
    it('a command that throws produces no events and leaves the state as it was', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 10))
        .when(new Withdraw('a1', 20))
        .expectException(InsufficientFundsError, /has 10, cannot withdraw 20/)
        .expectNoEvents()
        .expectState((s: AccountState) => s.balance === 10);
    });

    it('expectException narrows by message substring, RegExp or predicate', async () => {
      const when = AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt))
        .when(new Withdraw('a1', 1));
      await when.expectException(InsufficientFundsError);
      await when.expectException(Error, 'cannot withdraw 1');
      await when.expectException(InsufficientFundsError, (e) => e.balance === 0 && e.requested === 1);
    });

    it('a non-init command on a new aggregate fails with AggregateNotInitializedError', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .givenNoPriorActivity()
        .when(new Deposit('a1', 5))
        .expectException(AggregateNotInitializedError, "AccountAggregate 'a1' does not exist");
    });

    it('an init command on an existing aggregate fails with AggregateInitializedError', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt))
        .when(new OpenAccount('a1', 'bob'))
        .expectException(AggregateInitializedError);
    });

    it('a deleted aggregate takes no more commands', async () => {
      await AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt))
        .when(new CloseAccount('a1'))
        .expectEvents(new AccountClosed('a1'))
        .expectDeleted();
      await AggregateTestFixture.of(AccountAggregate)
        .given(new AccountOpened('a1', 'ann', openedAt), new AccountClosed('a1'))
        .when(new Deposit('a1', 5))
        .expectException(AggregateDeletedError);
    });

    it('a handler that returns no event fails as in the runtime, with HandlerReturnError', async () => {
      @Aggregate()
      class Silent {
        @AggregateCommandHandler({ init: true })
        create(_command: CreateCounter): CounterCreated {
          return undefined as unknown as CounterCreated;
        }
        @EventSourcingHandler()
        onCreated(_event: CounterCreated): CounterState {
          return new CounterState();
        }
      }
      await AggregateTestFixture.of(Silent)
        .when(new CreateCounter('c1'))
        .expectException(HandlerReturnError, 'returned no event');
    });

    it('a misdeclared aggregate throws the ComponentDefinitionError a bundle would', () => {
      class Ping extends DomainCommand {
        getAggregateId(): string {
          return 'p';
        }
      }
      class Pinged extends DomainEvent {}
      @Aggregate()
      class NoInit {
        @AggregateCommandHandler()
        ping(_c: Ping): Pinged {
          return new Pinged();
        }
        @EventSourcingHandler()
        onPinged(_e: Pinged): CounterState {
          return new CounterState();
        }
      }
      expect(() => AggregateTestFixture.of(NoInit)).toThrow(ComponentDefinitionError);
      expect(() => AggregateTestFixture.of(NoInit)).toThrow(/has no init command handler/);
    });

    it('rejects a component that is not an aggregate, naming the fixture to use', () => {
      class Plain {}
      expect(() => AggregateTestFixture.of(Plain)).toThrow(ComponentDefinitionError);
      return import('../domain/bankConsumers').then(({ TransferSaga }) => {
        expect(() => AggregateTestFixture.of(TransferSaga)).toThrow(/is a @Saga.*use SagaTestFixture/);
      });
    });

    it('rejects givens and commands the aggregate does not handle', () => {
      const fixture = AggregateTestFixture.of(AccountAggregate);
      expect(() => fixture.given(new CounterCreated('c1', noon))).toThrow(
        /no @EventSourcingHandler for CounterCreated/,
      );
      expect(() => fixture.when(new Increment('c1'))).toThrow(/no @AggregateCommandHandler for Increment/);
      expect(() => fixture.given({ accountId: 'a1' } as unknown as DomainEvent)).toThrow(
        InvalidArgumentError,
      );
    });

    it('rejects givenNoPriorActivity mixed with given steps', () => {
      expect(() =>
        AggregateTestFixture.of(AccountAggregate)
          .given(new AccountOpened('a1', 'ann', openedAt))
          .givenNoPriorActivity(),
      ).toThrow(InvalidArgumentError);
      expect(() =>
        AggregateTestFixture.of(AccountAggregate)
          .givenNoPriorActivity()
          .given(new AccountOpened('a1', 'ann', openedAt)),
      ).toThrow(InvalidArgumentError);
    });

    it('tests one aggregate: commands for another aggregate id are a usage error', async () => {
      const error = await failureOf(
        AggregateTestFixture.of(AccountAggregate)
          .givenCommands(new OpenAccount('a1', 'ann'))
          .when(new Deposit('a2', 5))
          .expectEvents(new Deposited('a2', 5)),
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toMatch(/Deposit is for 'a2', but earlier commands were for 'a1'/);
    });
  });

  describe('dependencies and gateways', () => {
    it('constructs the aggregate with the registered resources', async () => {
      await counter(3)
        .given(new CounterCreated('c1', noon), new Incremented('c1', 2))
        .when(new Increment('c1', 2))
        .expectException(LimitExceededError, 'cannot go above 3');
    });

    it('takes resources as instances or as a map of tokens', async () => {
      await AggregateTestFixture.of(CounterAggregate, { resources: [new Limits(1)] })
        .given(new CounterCreated('c1', noon))
        .when(new Increment('c1', 2))
        .expectException(LimitExceededError);
      await AggregateTestFixture.of(CounterAggregate, { resources: new Map([[Limits, new Limits(5)]]) })
        .given(new CounterCreated('c1', noon))
        .when(new Increment('c1', 2))
        .expectEvents(new Incremented('c1', 2));
    });

    it('fails with a ConfigurationError naming the fix when a dependency is missing', async () => {
      const error = await failureOf(
        AggregateTestFixture.of(CounterAggregate)
          .given(new CounterCreated('c1', noon))
          .when(new Increment('c1'))
          .expectEvents(new Incremented('c1', 1)),
      );
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toMatch(/registerInjectableResource/);
    });

    it('gives handlers recording gateways: queries answer the stubs, sent commands are recorded', async () => {
      await counter()
        .onQuery(FindLimit, Single.of(5))
        .given(new CounterCreated('c1', noon), new Incremented('c1', 3))
        .when(new IncrementChecked('c1', 2))
        .expectEvents(new Incremented('c1', 2))
        .expectDispatchedCommands(new NotifyLimitNear('c1', 5));
      await counter()
        .onQuery(FindLimit, (q) => Single.of(q.id === 'c1' ? 100 : 0))
        .given(new CounterCreated('c1', noon))
        .when(new IncrementChecked('c1', 2))
        .expectEvents(new Incremented('c1', 2))
        .expectNoDispatchedCommands();
    });

    it('an unstubbed query fails the handler with NoHandlerError telling how to stub it', async () => {
      await counter()
        .given(new CounterCreated('c1', noon))
        .when(new IncrementChecked('c1', 2))
        .expectException(NoHandlerError, 'onQuery(FindLimit');
    });

    it('records commands sent while deciding given commands apart from those of the command under test', async () => {
      await counter()
        .onQuery(FindLimit, Single.of(2))
        .givenCommands(new CreateCounter('c1'), new IncrementChecked('c1', 2))
        .when(new Increment('c1', -1))
        .expectNoDispatchedCommands();
    });
  });

  describe('serialization and illegal state changes', () => {
    it('fails when a state changes outside an @EventSourcingHandler, naming the field', async () => {
      const error = await assertionFailureOf(
        counter()
          .given(new CounterCreated('c1', noon))
          .when(new IncrementSloppily('c1'))
          .expectEvents(new Incremented('c1', 1)),
      );
      expect(error.message).toContain(
        'Illegal state change in CounterAggregate.sloppy (handling IncrementSloppily)',
      );
      expect(error.message).toContain('count: 101 after the command, 1 rebuilt from the events');
    });

    it('fails when an event the command produces does not survive serialization, naming the field', async () => {
      const error = await assertionFailureOf(
        counter()
          .given(new CounterCreated('c1', noon))
          .when(new TagCounter('c1', 'red'))
          .expectEvents(new Tagged('c1', new Tag('red'))),
      );
      expect(error.message).toContain(
        'CounterAggregate.tag returned event 1 (Tagged), which does not survive serialization',
      );
      expect(error.message).toContain("tag: Tag { label: 'red' } comes back as { label: 'red' }");
      expect(error.message).toContain('{ payloads: [...] }');
    });

    it('passes once the nested class is registered with { payloads }', async () => {
      await AggregateTestFixture.of(CounterAggregate, { resources: [new Limits(1)], payloads: [Tag] })
        .given(new CounterCreated('c1', noon), new Tagged('c1', new Tag('blue')))
        .when(new TagCounter('c1', 'red'))
        .expectEvents(new Tagged('c1', new Tag('red')))
        .expectState((s: CounterState) => {
          expect(s.tags).toEqual([new Tag('blue'), new Tag('red')]);
          expect(s.tags[0]).toBeInstanceOf(Tag);
        });
    });

    it('fails when a given event does not survive serialization', async () => {
      const error = await assertionFailureOf(
        counter()
          .given(new CounterCreated('c1', noon), new Tagged('c1', new Tag('blue')))
          .when(new Increment('c1'))
          .expectEvents(new Incremented('c1', 1)),
      );
      expect(error.message).toContain('given(): event 2 (Tagged) does not survive serialization');
    });

    it('hands the command handler a state rebuilt from serialized events, not the given instances', async () => {
      const given = new Tagged('c1', new Tag('blue'));
      const outcome = await AggregateTestFixture.of(CounterAggregate, {
        resources: [new Limits(1)],
        payloads: [Tag],
      })
        .given(new CounterCreated('c1', noon), given)
        .when(new Increment('c1'))
        .expectSuccessfulHandlerExecution();
      expect((outcome.state as CounterState).tags[0]).not.toBe(given.tag);
    });

    it('checks the state survives serialization when the aggregate takes snapshots', async () => {
      class Box {
        constructor(readonly size: number) {}
      }
      class BoxedState extends AggregateState {
        box: Box | undefined;
      }
      @Aggregate({ snapshotFrequency: 1, state: BoxedState })
      class Snapshotted {
        @AggregateCommandHandler({ init: true })
        create(command: CreateCounter): CounterCreated {
          return new CounterCreated(command.id, noon);
        }
        @EventSourcingHandler()
        onCreated(_event: CounterCreated): BoxedState {
          const state = new BoxedState();
          state.box = new Box(3);
          return state;
        }
      }
      const error = await assertionFailureOf(
        AggregateTestFixture.of(Snapshotted)
          .when(new CreateCounter('c1'))
          .expectEvents(new CounterCreated('c1', noon)),
      );
      expect(error.message).toContain(
        'The state of Snapshotted (BoxedState, snapshotted every 1 events) does not survive',
      );
      await AggregateTestFixture.of(Snapshotted, { payloads: [Box] })
        .when(new CreateCounter('c1'))
        .expectEvents(new CounterCreated('c1', noon));
    });

    it('fails when a given command fails, with the reason', async () => {
      const error = await assertionFailureOf(
        AggregateTestFixture.of(AccountAggregate)
          .givenCommands(new OpenAccount('a1', 'ann'), new Withdraw('a1', 5))
          .when(new Deposit('a1', 1))
          .expectEvents(new Deposited('a1', 1)),
      );
      expect(error.message).toContain(
        'givenCommands(): command 2 (Withdraw) failed with InsufficientFundsError',
      );
    });
  });

  describe('laziness', () => {
    it('runs nothing until a chain is awaited, and the command once per when', async () => {
      let reads = 0;
      const limits: Limits = {
        get max(): number {
          reads++;
          return 10;
        },
      };
      const fixture = AggregateTestFixture.of(CounterAggregate).registerInjectableResource(Limits, limits);
      const when = fixture.given(new CounterCreated('c1', noon)).when(new Increment('c1'));
      const chain = when.expectEvents(new Incremented('c1', 1));
      await Promise.resolve();
      expect(reads).toBe(0);
      await chain;
      await when.expectState((s: CounterState) => s.count === 1);
      await chain;
      expect(reads).toBe(1);
    });

    it('runs several whens from the same givens independently', async () => {
      const fixture = AggregateTestFixture.of(AccountAggregate).given(
        new AccountOpened('a1', 'ann', openedAt),
        new Deposited('a1', 10),
      );
      await fixture.when(new Withdraw('a1', 10)).expectEvents(new Withdrawn('a1', 10));
      await fixture.when(new Withdraw('a1', 11)).expectException(InsufficientFundsError);
      await fixture.when(new Deposit('a1', 1)).expectState((s: AccountState) => s.balance === 11);
    });

    it('FixtureAssertionError is exported for instanceof checks', () => {
      expect(new FixtureAssertionError('x')).toBeInstanceOf(Error);
    });
  });
});
