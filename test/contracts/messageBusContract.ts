/**
 * The behaviour every MessageBus must have, as jest suites. A bus's test file calls
 * `messageBusContract` with a factory; bundles started in a test each connect their own bus
 * (for a bus between processes: another connection to the same broker), and every test uses its
 * own bundle ids, so tests never depend on each other.
 */
import { randomUUID } from 'node:crypto';
import {
  CommandHandler,
  CommandMessage,
  ConcurrencyError,
  ConfigurationError,
  DeliveryError,
  EventoBundle,
  HandlerLostError,
  Metadata,
  Multiple,
  NoHandlerError,
  PayloadRegistry,
  Projection,
  Query,
  QueryHandler,
  RemoteHandlerError,
  Service,
  ServiceCommand,
  ServiceEvent,
  Single,
  TimeoutError,
  View,
  type BusEndpoint,
  type MessageBus,
  type QueryMessage,
  type WireContext,
} from '../../src';
import { rejectionOf, sleep } from '../support/waiting';

/** The buses under test: `connect()` gives a bus on the shared transport (the same one for an in-process bus). */
export interface BusNetwork {
  connect(): MessageBus;
  /** True when messages cross the wire format: errors are then re-created from the caller's registered classes. */
  readonly serializes: boolean;
  /** Closes every bus it made. */
  cleanup(): Promise<void>;
}

/** Makes the network under test. */
export type MessageBusFactory = () => Promise<BusNetwork>;

// The payloads, each with a nested class the sender never registers.
export class Money {
  constructor(
    readonly cents: number,
    readonly currency: string,
  ) {}
  format(): string {
    return `${(this.cents / 100).toFixed(2)} ${this.currency}`;
  }
}

export class Charge extends ServiceCommand {
  constructor(
    readonly account: string,
    readonly amount: Money,
    readonly at: Date,
    readonly tags: Set<string>,
    readonly limits: Map<string, number>,
  ) {
    super();
  }
}

export class Charged extends ServiceEvent {
  constructor(
    readonly account: string,
    readonly amount: Money,
    readonly handledBy: string,
  ) {
    super();
  }
}

export class Echo extends ServiceCommand {
  constructor(
    readonly value: number,
    readonly delayMs = 0,
  ) {
    super();
  }
}

export class Fail extends ServiceCommand {
  constructor(readonly how: 'registered' | 'unregistered' | 'framework') {
    super();
  }
}

export class Balance extends View {
  constructor(
    readonly account: string,
    readonly total: Money,
  ) {
    super();
  }
}

export class GetBalance extends Query<Single<Balance>> {
  constructor(readonly account: string) {
    super();
  }
}

export class ListBalances extends Query<Multiple<Balance>> {}

export class CountCalls extends Query<Single<number>> {}

export class Ping extends ServiceCommand {}

/** An application error the calling bundles register. */
export class OverdraftError extends Error {
  override readonly name = 'OverdraftError';
  constructor(
    readonly account: string,
    readonly limit: Money,
  ) {
    super(`Account ${account} may not go below ${limit.format()}`);
  }
  describe(): string {
    return `${this.account}: ${this.message}`;
  }
}

/** An application error nobody registers. */
export class SecretError extends Error {
  readonly reason = 'classified';
  constructor() {
    super('the vault is locked');
    this.name = 'SecretError';
  }
}

@Service()
class Billing {
  @CommandHandler()
  charge(command: Charge): Charged {
    if (!(command.amount instanceof Money) || !(command.at instanceof Date))
      throw new Error('the payload arrived without its classes');
    return new Charged(command.account, command.amount, 'billing');
  }

  @CommandHandler()
  async echo(command: Echo): Promise<Charged> {
    if (command.delayMs > 0) await sleep(command.delayMs);
    return new Charged(String(command.value), new Money(command.value, 'EUR'), 'billing');
  }

  @CommandHandler()
  fail(command: Fail): void {
    if (command.how === 'registered') throw new OverdraftError('acc-1', new Money(-500, 'EUR'));
    if (command.how === 'framework') throw new ConcurrencyError('acc-1', 3, 4);
    throw new SecretError();
  }
}

@Projection()
class Balances {
  @QueryHandler()
  get(query: GetBalance): Single<Balance> {
    return Single.of(new Balance(query.account, new Money(1250, 'EUR')));
  }

  @QueryHandler()
  list(_query: ListBalances): Multiple<Balance> {
    return Multiple.of([new Balance('a', new Money(1, 'EUR')), new Balance('b', new Money(2, 'EUR'))]);
  }
}

/** Registers the MessageBus contract suite for the buses `factory` makes. */
export function messageBusContract(name: string, factory: MessageBusFactory): void {
  describe(`MessageBus contract: ${name}`, () => {
    let network: BusNetwork;
    const bundles: EventoBundle[] = [];

    beforeEach(async () => {
      network = await factory();
    });

    afterEach(async () => {
      for (const bundle of bundles.splice(0)) await bundle.stop();
      await network.cleanup();
    });

    /** A started bundle on its own connection to the network; the handler side registers Money. */
    async function start(
      id: string,
      components: unknown[],
      configure = (b: ReturnType<typeof EventoBundle.builder>) => b,
    ) {
      const bundle = await configure(
        EventoBundle.builder()
          .setBundleId(`${id}-${randomUUID().slice(0, 8)}`)
          .setComponents(components)
          .setMessageBus(network.connect())
          .onError(() => undefined),
      ).start();
      bundles.push(bundle);
      return bundle;
    }

    /** The handler side (Billing and Balances) and a caller that registers OverdraftError. */
    async function startPair(): Promise<{ server: EventoBundle; client: EventoBundle }> {
      const server = await start('billing', [Billing, Balances], (b) => b.registerPayloads([Money]));
      const client = await start('client', [Caller], (b) =>
        b.registerErrors([OverdraftError]).registerPayloads([Money, Charged, Balance]),
      );
      return { server, client };
    }

    describe('routing', () => {
      it('routes a command by payload name to the bundle that handles it, payload classes intact on both sides', async () => {
        const { client } = await startPair();
        const at = new Date('2024-05-01T10:00:00.000Z');
        const result = await client.commandGateway.send<Charged>(
          new Charge('acc-1', new Money(995, 'EUR'), at, new Set(['x']), new Map([['daily', 10]])),
        );
        expect(result).toBeInstanceOf(Charged);
        expect(result.amount).toBeInstanceOf(Money);
        expect(result.amount.format()).toBe('9.95 EUR');
        expect(result.handledBy).toBe('billing');
      });

      it("revives nested classes the sender never registered with the receiving bundle's classes", async () => {
        await start('billing', [Billing, Balances], (b) => b.registerPayloads([Money]));
        const bare = await start('bare', [Caller]);
        // Billing.charge throws unless amount is a Money and at a Date on its side.
        const result = await bare.commandGateway.send<Charged>(
          new Charge('acc-2', new Money(100, 'USD'), new Date(0), new Set(), new Map()),
        );
        expect(result.handledBy).toBe('billing');
        expect(result.amount.cents).toBe(100);
      });

      it('answers queries from another bundle with Single and Multiple holding view instances', async () => {
        const { client } = await startPair();
        const one = await client.queryGateway.query(new GetBalance('acc-9'));
        expect(one).toBeInstanceOf(Single);
        expect(one.data).toBeInstanceOf(Balance);
        expect(one.data.total.format()).toBe('12.50 EUR');
        const many = await client.queryGateway.query(new ListBalances());
        expect(many).toBeInstanceOf(Multiple);
        expect(many.data.map((b) => b.account)).toEqual(['a', 'b']);
      });

      it('carries commands both ways between several bundles', async () => {
        const { server, client } = await startPair();
        const third = await start('third', [Balances2], (b) => b.registerPayloads([Money]));
        expect((await server.commandGateway.send<Charged>(new Echo(7))).handledBy).toBe('billing');
        expect((await third.commandGateway.send<Charged>(new Echo(8))).amount.cents).toBe(8);
        expect((await server.queryGateway.query(new CountCalls())).data).toBe(0);
        expect((await client.queryGateway.query(new CountCalls())).data).toBe(0);
      });

      it('delivers the metadata, message id and timestamp of a command as they were sent', async () => {
        const bus = network.connect();
        const seen: (CommandMessage | QueryMessage)[] = [];
        const endpoint = probe('probe', ['Echo'], async (message) => {
          seen.push(message);
          return 'ok';
        });
        await bus.bind(endpoint);
        const sent = new CommandMessage(
          new Echo(3),
          'Echo',
          new Metadata({ messageId: randomUUID(), correlationId: 'flow-1', tenant: 'acme' }),
          new Date('2024-01-02T03:04:05.678Z'),
        );
        expect(await bus.sendCommand(sent, { timeoutMs: 1000 })).toBe('ok');
        const [received] = seen;
        expect(received?.payload).toBeInstanceOf(Echo);
        expect(received?.payload).toEqual(new Echo(3));
        expect(received?.metadata.toRecord()).toEqual(sent.metadata.toRecord());
        expect(received?.messageId).toBe(sent.messageId);
        expect(received?.timestamp.toISOString()).toBe('2024-01-02T03:04:05.678Z');
        await bus.unbind(endpoint);
      });

      it('rejects with NoHandlerError when no bound bundle handles the command or query', async () => {
        const { client } = await startPair();
        class Unhandled extends ServiceCommand {}
        class UnhandledQuery extends Query<Single<Balance>> {}
        expect(await rejectionOf(client.commandGateway.send(new Unhandled()))).toBeInstanceOf(NoHandlerError);
        expect(await rejectionOf(client.queryGateway.query(new UnhandledQuery()))).toBeInstanceOf(
          NoHandlerError,
        );
      });

      it('refuses a command name bound by a second bundle, and lets two instances of one bundle share it', async () => {
        const bus = network.connect();
        const first = probe('owner', ['Echo'], async () => 'first');
        await bus.bind(first);
        const error = await rejectionOf(bus.bind(probe('intruder', ['Echo'], async () => 'second')));
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toMatch(/intruder.*Echo.*owner/);
        await bus.bind(probe('owner', ['Echo'], async () => 'twin'));
        const answers = new Set<unknown>();
        for (let i = 0; i < 6; i++) answers.add(await bus.sendCommand(echo(i), { timeoutMs: 1000 }));
        expect(answers).toEqual(new Set(['first', 'twin']));
        await bus.unbind(first);
      });
    });

    describe('errors', () => {
      it("re-creates a handler's registered error as its class, with its own fields and methods", async () => {
        const { client } = await startPair();
        const error = await rejectionOf(client.commandGateway.send(new Fail('registered')));
        expect(error).toBeInstanceOf(OverdraftError);
        const overdraft = error as OverdraftError;
        expect(overdraft.message).toBe('Account acc-1 may not go below -5.00 EUR');
        expect(overdraft.account).toBe('acc-1');
        expect(overdraft.limit).toBeInstanceOf(Money);
        expect(overdraft.describe()).toBe('acc-1: Account acc-1 may not go below -5.00 EUR');
        expect(overdraft.name).toBe('OverdraftError');
      });

      it("re-creates the framework's own errors as their class", async () => {
        const { client } = await startPair();
        const error = await rejectionOf(client.commandGateway.send(new Fail('framework')));
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({
          code: 'EVENTO_CONCURRENCY',
          retriable: true,
          aggregateId: 'acc-1',
          expectedVersion: 3,
        });
      });

      it('re-creates an unregistered error as RemoteHandlerError over the wire (as thrown when passing objects)', async () => {
        const { client } = await startPair();
        const error = await rejectionOf(client.commandGateway.send(new Fail('unregistered')));
        if (network.serializes) {
          expect(error).toBeInstanceOf(RemoteHandlerError);
          expect(error).not.toBeInstanceOf(SecretError);
          expect(error).toMatchObject({
            remoteName: 'SecretError',
            remoteMessage: 'the vault is locked',
            details: { reason: 'classified', name: 'SecretError' },
          });
          expect((error as Error).message).toContain('registerErrors([SecretError])');
        } else {
          expect(error).toBeInstanceOf(SecretError);
        }
      });
    });

    describe('deadlines and timeouts', () => {
      it('never executes a request whose deadline passed, and rejects it with TimeoutError', async () => {
        const bus = network.connect();
        let calls = 0;
        const endpoint = probe('late', ['Echo'], async () => ++calls);
        await bus.bind(endpoint);
        const error = await rejectionOf(
          bus.sendCommand(echo(1), { timeoutMs: 50, deadline: Date.now() - 1 }),
        );
        expect(error).toBeInstanceOf(TimeoutError);
        await sleep(20);
        expect(calls).toBe(0);
        expect(await bus.sendCommand(echo(2), { timeoutMs: 1000 })).toBe(1);
        await bus.unbind(endpoint);
      });

      it('stops waiting at the deadline saying the outcome is unknown, and drops the late answer', async () => {
        const bus = network.connect();
        const replies: ((value: unknown) => void)[] = [];
        const endpoint = probe('slow', ['Echo'], (message) => {
          const value = (message.payload as Echo).value;
          if (value === 1) return new Promise((resolve) => replies.push(resolve));
          return sleep(30).then(() => value);
        });
        await bus.bind(endpoint);
        const started = Date.now();
        const error = await rejectionOf(
          bus.sendCommand(echo(1), { timeoutMs: 60, deadline: Date.now() + 60 }),
        );
        expect(error).toBeInstanceOf(TimeoutError);
        expect((error as Error).message).toMatch(/outcome is unknown/);
        expect(Date.now() - started).toBeGreaterThanOrEqual(50);
        // The late answer comes while another request waits: it must not be taken for that one's.
        const second = bus.sendCommand(echo(2), { timeoutMs: 1000 });
        replies[0]?.('late answer');
        expect(await second).toBe(2);
        await bus.unbind(endpoint);
      });

      it('rejects a gateway call with TimeoutError when its handler takes longer than its timeout', async () => {
        const { client } = await startPair();
        const error = await rejectionOf(
          client.commandGateway.send(new Echo(1, 300), undefined, { timeoutMs: 40 }),
        );
        expect(error).toBeInstanceOf(TimeoutError);
      });
    });

    describe('load', () => {
      it('answers many concurrent requests each with its own answer', async () => {
        const { client } = await startPair();
        const values = Array.from({ length: 300 }, (_, i) => i);
        const answers = await Promise.all(
          values.map((i) => client.commandGateway.send<Charged>(new Echo(i, i % 7))),
        );
        expect(answers.map((a) => a.amount.cents)).toEqual(values);
      });
    });

    describe('unbind and close', () => {
      it('after unbind, new requests get NoHandlerError and requests already delivered their answer', async () => {
        const bus = network.connect();
        let release: (() => void) | undefined;
        const endpoint = probe(
          'leaving',
          ['Echo'],
          (message) => new Promise((resolve) => (release = () => resolve((message.payload as Echo).value))),
        );
        await bus.bind(endpoint);
        const inFlight = bus.sendCommand(echo(5), { timeoutMs: 2000 });
        await eventuallyDefined(() => release);
        await bus.unbind(endpoint);
        expect(await rejectionOf(bus.sendCommand(echo(6), { timeoutMs: 2000 }))).toBeInstanceOf(
          NoHandlerError,
        );
        release?.();
        expect(await inFlight).toBe(5);
      });

      it('close ends waiting requests with HandlerLostError at once and refuses later ones with DeliveryError', async () => {
        const bus = network.connect();
        let started = false;
        const endpoint = probe('stuck', ['Echo'], () => {
          started = true;
          return new Promise(() => undefined);
        });
        await bus.bind(endpoint);
        const inFlight = bus.sendCommand(echo(1), { timeoutMs: 60_000 });
        await eventuallyDefined(() => (started ? true : undefined));
        const closing = Date.now();
        await bus.close();
        const error = await rejectionOf(inFlight);
        expect(error).toBeInstanceOf(HandlerLostError);
        expect((error as Error).message).toMatch(/outcome is unknown/);
        expect(Date.now() - closing).toBeLessThan(1000);
        expect(await rejectionOf(bus.sendCommand(echo(2), { timeoutMs: 1000 }))).toBeInstanceOf(
          DeliveryError,
        );
      });
    });
  });
}

@Projection()
class Balances2 {
  @QueryHandler()
  count(_query: CountCalls): Single<number> {
    return Single.of(0);
  }
}

@Service()
class Caller {
  @CommandHandler()
  ping(_command: Ping): void {}
}

const probeWire: WireContext = (() => {
  const payloads = new PayloadRegistry();
  payloads.register(Echo);
  payloads.register(Money);
  return { payloads };
})();

/** A hand-made endpoint of bundle `bundleId` answering the commands `names` with `answer`. */
function probe(
  bundleId: string,
  names: string[],
  answer: (message: CommandMessage | QueryMessage) => Promise<unknown>,
): BusEndpoint {
  return {
    bundleId,
    instanceId: randomUUID(),
    commandNames: names,
    queryNames: [],
    wire: probeWire,
    handleCommand: answer,
    handleQuery: answer as BusEndpoint['handleQuery'],
  };
}

function echo(value: number): CommandMessage {
  return new CommandMessage(new Echo(value), 'Echo', new Metadata({ messageId: randomUUID() }), new Date());
}

async function eventuallyDefined<T>(get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = get();
    if (value !== undefined) return value;
    await sleep(5);
  }
  throw new Error('the condition never held');
}
