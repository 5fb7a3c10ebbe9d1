/**
 * What KafkaMessageBus promises beyond the message bus contract, against the real broker:
 * discovery and `cluster()`, NoHandlerError without waiting, one owner per command name across
 * the cluster, commands of one aggregate served in order by one instance, a command sent again
 * with its idempotency key executed once, a stopping instance answering what it took, and the
 * requests waiting in a partition that a rebalance moved run by its new owner, once.
 */
import { randomUUID } from 'node:crypto';
import {
  CommandHandler,
  CommandMessage,
  ConfigurationError,
  HandlerLostError,
  EventoBundle,
  InMemoryEventStore,
  Metadata,
  NoHandlerError,
  Service,
  ServiceCommand,
  type HandlerCall,
} from '../../src';
import { encodeDiscovery } from '../../src/kafka/announcement';
import type { IncomingMessage, KafkaClient } from '../../src/kafka/kafkaClient';
import { AccountAggregate, Deposit, OpenAccount } from '../domain/bank';
import { clientsUnderTest, describeWithKafka } from '../support/kafka';
import { eventually, rejectionOf, sleep } from '../support/waiting';

/** Waits until `check` stops throwing (an expect that will hold). */
function holds(check: () => void, what: string, timeoutMs = 10_000): Promise<void> {
  return eventually(
    () => {
      try {
        check();
        return true;
      } catch {
        return false;
      }
    },
    { what, timeoutMs },
  );
}
import { kafkaBusNetwork, type KafkaBusNetwork } from './busNetwork';

jest.setTimeout(90_000);

const kafkajs = clientsUnderTest()[0];

class Unknown extends ServiceCommand {}

class ApiPing extends ServiceCommand {}

/** The API bundle's one component. */
@Service()
class Api {
  @CommandHandler()
  ping(_command: ApiPing): void {}
}

/** `client`, its consumers recording in `read` every message they hand on. */
function readingRequests(client: KafkaClient, read: IncomingMessage[]): KafkaClient {
  return {
    producer: () => client.producer(),
    admin: () => client.admin(),
    consumer(options) {
      const consumer = client.consumer(options);
      return {
        connect: () => consumer.connect(),
        subscribe: (topics) => consumer.subscribe(topics),
        run: (handle) =>
          consumer.run((message) => {
            read.push(message);
            return handle(message);
          }),
        commit: (positions) => consumer.commit(positions),
        onGroupJoin: (listener) => consumer.onGroupJoin(listener),
        disconnect: () => consumer.disconnect(),
      };
    },
  };
}

describeWithKafka()('KafkaMessageBus', () => {
  let network: KafkaBusNetwork;
  const bundles: EventoBundle[] = [];

  beforeEach(() => {
    network = kafkaBusNetwork((clientId) => (kafkajs as NonNullable<typeof kafkajs>).create(clientId));
  });

  afterEach(async () => {
    for (const bundle of bundles.splice(0)) await bundle.stop();
    await network.cleanup();
  });

  async function start(
    bundleId: string,
    components: unknown[],
    configure = (b: ReturnType<typeof EventoBundle.builder>) => b,
  ): Promise<EventoBundle> {
    const bundle = await configure(
      EventoBundle.builder()
        .setBundleId(bundleId)
        .setComponents(components)
        .setMessageBus(network.connect())
        .onError(() => undefined),
    ).start();
    bundles.push(bundle);
    return bundle;
  }

  it('lists the live bundles and instances of the cluster, with versions, and drops those that leave', async () => {
    const store = new InMemoryEventStore();
    const domain = await start('bank', [AccountAggregate], (b) =>
      b.setEventStore(store).setBundleVersion('2.1.0').setInstanceId('bank-a'),
    );
    const api = await start('api', [Api], (b) => b.setBundleVersion('1.0.0').setInstanceId('api-1'));
    await holds(() => {
      const cluster = api.cluster();
      expect(cluster.map((b) => b.bundleId)).toEqual(['api', 'bank']);
      const bank = cluster.find((b) => b.bundleId === 'bank');
      expect(bank?.instances).toEqual([
        expect.objectContaining({
          instanceId: 'bank-a',
          bundleVersion: '2.1.0',
          commandNames: expect.arrayContaining(['OpenAccount', 'Deposit']),
          local: false,
        }),
      ]);
      expect(cluster.find((b) => b.bundleId === 'api')?.instances[0]).toMatchObject({ local: true });
    }, 'both bundles listed by the API bundle');
    const second = await start('bank', [AccountAggregate], (b) =>
      b.setEventStore(store).setInstanceId('bank-b'),
    );
    await holds(
      () =>
        expect(
          api
            .cluster()
            .find((b) => b.bundleId === 'bank')
            ?.instances.map((i) => i.instanceId),
        ).toEqual(['bank-a', 'bank-b']),
      'the second instance listed',
    );
    await second.stop();
    await holds(
      () =>
        expect(
          api
            .cluster()
            .find((b) => b.bundleId === 'bank')
            ?.instances.map((i) => i.instanceId),
        ).toEqual(['bank-a']),
      'the stopped instance withdrawn',
    );
    expect(domain.cluster().map((b) => b.bundleId)).toEqual(['api', 'bank']);
  });

  it('drops an instance that stopped announcing itself after instanceTimeoutMs', async () => {
    const api = await start('api', [Api]);
    // An instance that announced itself once, then died without a word.
    const client = (kafkajs as NonNullable<typeof kafkajs>).create('evento-test-ghost');
    const producer = client.producer();
    await producer.connect();
    await producer.send(`${network.prefix}.discovery`, [
      {
        key: 'ghost-1',
        value: encodeDiscovery({
          kind: 'announce',
          busId: randomUUID(),
          bundleId: 'ghost',
          bundleVersion: null,
          instanceId: 'ghost-1',
          commandNames: ['Haunt'],
          queryNames: [],
          replyTopic: `${network.prefix}.replies.${randomUUID()}`,
        }),
      },
    ]);
    await producer.disconnect();
    await holds(() => expect(api.cluster().map((b) => b.bundleId)).toContain('ghost'), 'the ghost listed');
    // instanceTimeoutMs is 2 s in these tests.
    await holds(
      () => expect(api.cluster().map((b) => b.bundleId)).not.toContain('ghost'),
      'the ghost dropped',
    );
  });

  it('rejects a payload no live bundle handles with NoHandlerError, without waiting for the timeout', async () => {
    const api = await start('api', [Api]);
    const started = Date.now();
    const error = await rejectionOf(api.commandGateway.send(new Unknown(), undefined, { timeoutMs: 60_000 }));
    expect(error).toBeInstanceOf(NoHandlerError);
    expect((error as Error).message).toMatch(/Unknown.*no started bundle in the cluster/);
    expect(Date.now() - started).toBeLessThan(10_000); // a generous bound: the timeout was 60 s
  });

  it('refuses at start a second bundle claiming a command another bundle of the cluster handles', async () => {
    await start('bank', [AccountAggregate], (b) => b.setEventStore(new InMemoryEventStore()));
    const error = await rejectionOf(
      start('rival', [AccountAggregate], (b) => b.setEventStore(new InMemoryEventStore())),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /Bundle 'rival' handles the command '\w+', which bundle 'bank' already handles/,
    );
  });

  it('serves the commands of one aggregate on one instance, in the order sent', async () => {
    const store = new InMemoryEventStore();
    const handled: { instance: string; account: string; amount: number }[] = [];
    const record = (instance: string) => async (call: HandlerCall, next: () => Promise<unknown>) => {
      if (call.payload instanceof Deposit)
        handled.push({ instance, account: call.payload.accountId, amount: call.payload.amount });
      return next();
    };
    for (const instance of ['one', 'two']) {
      await start('bank', [AccountAggregate], (b) =>
        b.setEventStore(store).setInstanceId(instance).addHandlerInterceptor(record(instance)),
      );
    }
    const api = await start('api', [Api]);
    const accounts = Array.from({ length: 6 }, (_, i) => `acc-${i}`);
    await Promise.all(accounts.map((a) => api.commandGateway.send(new OpenAccount(a, 'owner'))));
    const sends: Promise<unknown>[] = [];
    for (let amount = 1; amount <= 20; amount++)
      for (const account of accounts) sends.push(api.commandGateway.send(new Deposit(account, amount)));
    await Promise.all(sends);
    for (const account of accounts) {
      const mine = handled.filter((h) => h.account === account);
      expect(mine.map((h) => h.amount)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(new Set(mine.map((h) => h.instance)).size).toBe(1);
    }
    // Both instances took a share (6 lock ids over 3 partitions, 2 members).
    expect(new Set(handled.map((h) => h.instance))).toEqual(new Set(['one', 'two']));
  });

  it('executes a command sent again with its idempotency key once, answering with the first result', async () => {
    const store = new InMemoryEventStore();
    await start('bank', [AccountAggregate], (b) => b.setEventStore(store));
    const bus = network.connect();
    const message = (payload: object) =>
      new CommandMessage(
        payload as OpenAccount,
        payload.constructor.name,
        new Metadata({ messageId: randomUUID(), idempotencyKey: `key-${randomUUID()}` }),
        new Date(),
      );
    await bus.sendCommand(message(new OpenAccount('acc-1', 'ann')), { timeoutMs: 10_000 });
    const deposit = message(new Deposit('acc-1', 5));
    const first = await bus.sendCommand(deposit, { timeoutMs: 10_000 });
    const again = await bus.sendCommand(deposit, { timeoutMs: 10_000 });
    expect(again).toEqual(first);
    const events = await store.readAggregate('acc-1');
    expect(events.filter((e) => e.eventName === 'Deposited')).toHaveLength(1);
  });

  it('answers the commands an instance is handling when its bundle stops', async () => {
    let release: (() => void) | undefined;
    const slow = async (call: HandlerCall, next: () => Promise<unknown>) => {
      if (call.payload instanceof Deposit) await new Promise<void>((resolve) => (release = resolve));
      return next();
    };
    const store = new InMemoryEventStore();
    const domain = await start('bank', [AccountAggregate], (b) =>
      b.setEventStore(store).addHandlerInterceptor(slow),
    );
    const api = await start('api', [Api]);
    await api.commandGateway.send(new OpenAccount('acc-2', 'bo'));
    const inFlight = api.commandGateway.send(new Deposit('acc-2', 7));
    await holds(() => expect(release).toBeDefined(), 'the deposit being handled');
    const stopping = domain.stop();
    release?.();
    await stopping;
    await expect(inFlight).resolves.toBeDefined();
  });

  it('leaves the requests a stopping instance took but had not started to the next instance', async () => {
    // One aggregate's deposits queue behind one another on instance 'one'; it stops while the
    // first runs. The first is answered by 'one'; the two waiting behind it are not started
    // there but left in the topic, and the instance that joins next serves them.
    let release: (() => void) | undefined;
    const handled: { instance: string; amount: number }[] = [];
    const on = (instance: string) => async (call: HandlerCall, next: () => Promise<unknown>) => {
      if (call.payload instanceof Deposit) {
        handled.push({ instance, amount: call.payload.amount });
        if (instance === 'one' && call.payload.amount === 1)
          await new Promise<void>((resolve) => (release = resolve));
        else if (instance === 'one') await sleep(300); // still running when the bus closes
      }
      return next();
    };
    const store = new InMemoryEventStore();
    // Instance 'one' reads its requests through a client that counts them.
    const read: IncomingMessage[] = [];
    const kafka = (kafkajs as NonNullable<typeof kafkajs>).create('evento-test-one');
    const oneBus = network.connect({ client: readingRequests(kafka, read) });
    const one = await EventoBundle.builder()
      .setBundleId('bank')
      .setInstanceId('one')
      .setComponents([AccountAggregate])
      .setEventStore(store)
      .setMessageBus(oneBus)
      .addHandlerInterceptor(on('one'))
      .onError(() => undefined)
      .start();
    const api = await start('api', [Api]);
    await api.commandGateway.send(new OpenAccount('acc-4', 'di'));
    const sends = [1, 2, 3].map((amount) =>
      api.commandGateway.send(new Deposit('acc-4', amount), undefined, { timeoutMs: 60_000 }),
    );
    await holds(() => expect(release).toBeDefined(), 'the first deposit being handled');
    // The other two reach instance 'one' and wait behind the first (with the OpenAccount: 4).
    await holds(
      () =>
        expect(
          new Set(read.filter((m) => m.topic.endsWith('.requests.bank')).map((m) => m.offset)).size,
        ).toBe(4),
      'the OpenAccount and the three deposits read by instance one',
    );
    const stopping = one.stop();
    release?.();
    await stopping;
    await oneBus.close();
    await start('bank', [AccountAggregate], (b) =>
      b.setEventStore(store).setInstanceId('two').addHandlerInterceptor(on('two')),
    );
    await expect(Promise.all(sends)).resolves.toHaveLength(3);
    expect(handled.filter((h) => h.instance === 'one').map((h) => h.amount)).toEqual([1]);
    expect(handled.filter((h) => h.instance === 'two').map((h) => h.amount)).toEqual([2, 3]);
    const deposits = (await store.readAggregate('acc-4')).filter((e) => e.eventName === 'Deposited');
    expect(deposits.map((e) => (JSON.parse(e.payload) as { amount: number }).amount)).toEqual([1, 2, 3]);
  });

  it('hands the requests waiting in a partition that moved in a rebalance to its new owner', async () => {
    // Instance 'one' holds every partition; each account's first deposit is held in its handler
    // there, and the next two wait behind it. Instance 'two' joins: the rebalance moves some
    // partitions to it. Their waiting deposits must not start on 'one'; 'two' reads them from the
    // committed offset, with the held deposit, which then runs on both: the event store keeps one.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const held = new Set<string>();
    const handled: { instance: string; account: string; amount: number }[] = [];
    const on = (instance: string) => async (call: HandlerCall, next: () => Promise<unknown>) => {
      if (call.payload instanceof Deposit) {
        const { accountId: account, amount } = call.payload;
        handled.push({ instance, account, amount });
        if (instance === 'one' && amount === 1) {
          held.add(account);
          await gate;
        }
      }
      return next();
    };
    const store = new InMemoryEventStore();
    const read: IncomingMessage[] = [];
    const joins: { instance: string; partitions: readonly number[] }[] = [];
    const bankBus = (instance: string) => {
      const client = readingRequests(
        (kafkajs as NonNullable<typeof kafkajs>).create(`evento-test-${instance}`),
        read,
      );
      return network.connect({
        client: {
          ...client,
          consumer(options) {
            const consumer = client.consumer(options);
            if (options.groupId.endsWith('.bank'))
              consumer.onGroupJoin((join) =>
                joins.push({ instance, partitions: Object.values(join.assignment).flat() }),
              );
            return consumer;
          },
        },
      });
    };
    const startBank = async (instance: string) => {
      const bundle = await EventoBundle.builder()
        .setBundleId('bank')
        .setInstanceId(instance)
        .setComponents([AccountAggregate])
        .setEventStore(store)
        .setMessageBus(bankBus(instance))
        .addHandlerInterceptor(on(instance))
        .onError(() => undefined)
        .start();
      bundles.push(bundle);
    };
    await startBank('one');
    const api = await start('api', [Api]);
    const accounts = Array.from({ length: 9 }, (_, i) => `acc-r${i}`);
    await Promise.all(accounts.map((account) => api.commandGateway.send(new OpenAccount(account, 'ra'))));
    const sends = accounts.flatMap((account) =>
      [1, 2, 3].map((amount) =>
        api.commandGateway.send(new Deposit(account, amount), undefined, { timeoutMs: 60_000 }),
      ),
    );
    // Every send has a handler from here on: a failure below leaves no rejection unhandled.
    const outcomes = Promise.allSettled(sends);
    try {
      await holds(() => expect(held.size).toBe(accounts.length), 'every first deposit held on instance one');
      await holds(
        () =>
          expect(
            new Set(
              read.filter((m) => m.topic.endsWith('.requests.bank')).map((m) => `${m.partition}:${m.offset}`),
            ).size,
          ).toBe(accounts.length * 4),
        'every request (the OpenAccounts and the deposits) read by instance one',
      );
      await startBank('two');
      const last = (instance: string) =>
        joins.filter((j) => j.instance === instance).at(-1)?.partitions ?? [];
      await holds(() => {
        expect(last('one').length + last('two').length).toBe(3);
        expect(last('two').length).toBeGreaterThan(0);
      }, 'the rebalance giving instance two partitions');
      const movedPartitions = new Set(last('two'));
      const moved = new Set(
        read
          .filter(
            (m) => m.topic.endsWith('.requests.bank') && m.key !== null && movedPartitions.has(m.partition),
          )
          .map((m) => m.key as string),
      );
      expect(moved.size).toBeGreaterThan(0);
      expect(moved.size).toBeLessThan(accounts.length);
      await holds(
        () => expect(handled.filter((h) => h.instance === 'two')).toHaveLength(moved.size * 3),
        'instance two serving the moved accounts',
      );
      open();
      const settled = await outcomes;
      expect(settled.filter((o) => o.status === 'rejected')).toEqual([]);
      expect(settled).toHaveLength(accounts.length * 3);

      for (const account of accounts) {
        const deposits = (await store.readAggregate(account)).filter((e) => e.eventName === 'Deposited');
        expect([account, deposits.map((e) => (JSON.parse(e.payload) as { amount: number }).amount)]).toEqual([
          account,
          [1, 2, 3],
        ]);
        const amountsOn = (instance: string) =>
          handled.filter((h) => h.instance === instance && h.account === account).map((h) => h.amount);
        // A moved account's held deposit ran on both (the store kept the first); the rest only on 'two'.
        expect([account, amountsOn('one'), amountsOn('two')]).toEqual(
          moved.has(account) ? [account, [1], [1, 2, 3]] : [account, [1, 2, 3], []],
        );
      }
    } finally {
      open(); // a failure above must not leave instance one's handlers stuck at the gate
    }
  });

  it('tells the caller the outcome is unknown when the instance closes its bus with the command still running', async () => {
    const stuck = async (call: HandlerCall, next: () => Promise<unknown>) => {
      if (call.payload instanceof Deposit) await new Promise(() => undefined);
      return next();
    };
    const domainBus = network.connect();
    const domain = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate])
      .setEventStore(new InMemoryEventStore())
      .setMessageBus(domainBus)
      .setStopTimeout(200)
      .addHandlerInterceptor(stuck)
      .onError(() => undefined)
      .start();
    const api = await start('api', [Api]);
    await api.commandGateway.send(new OpenAccount('acc-3', 'cy'));
    const inFlight = api.commandGateway.send(new Deposit('acc-3', 1), undefined, { timeoutMs: 60_000 });
    const outcome = rejectionOf(inFlight);
    await sleep(500); // the deposit reaches its handler
    await domain.stop(); // waits 200 ms for it, in vain
    await domainBus.close();
    const error = await outcome;
    expect(error).toBeInstanceOf(HandlerLostError);
    expect((error as Error).message).toMatch(/outcome is unknown/);
  });
});
