/**
 * Losing the broker: callers get typed errors while it is gone, and the buses carry on by
 * themselves once it is back, without restarting the bundles. The test runs a broker of its own
 * (scripts/kafka.sh on a spare port, its data kept across the restart) so that stopping it
 * disturbs no other suite.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import {
  CommandHandler,
  DeliveryError,
  EventoBundle,
  HandlerLostError,
  InMemoryEventStore,
  Service,
  ServiceCommand,
  TimeoutError,
} from '../../src';
import { KafkajsClient, KafkaMessageBus } from '../../src/kafka';
import { AccountAggregate, Deposit, OpenAccount } from '../domain/bank';
import { describeWithKafka, uniqueName } from '../support/kafka';
import { rejectionOf, sleep } from '../support/waiting';

jest.setTimeout(420_000);

const run = promisify(execFile);
const PORT = Number(process.env.EVENTO_TEST_KAFKA_SPARE_PORT ?? 19092);
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'kafka.sh');

class Ping extends ServiceCommand {}

@Service()
class Api {
  @CommandHandler()
  ping(_command: Ping): void {}
}

describeWithKafka()('KafkaMessageBus when the broker goes away and comes back', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'evento-kafka-kept-'));
  const env = {
    ...process.env,
    EVENTO_KAFKA_PORT: String(PORT),
    EVENTO_KAFKA_DATA_DIR: dataDir,
    EVENTO_KAFKA_HEAP: '-Xms256m -Xmx512m',
  };
  const broker = (command: 'start' | 'stop') => run('bash', [SCRIPT, command], { env });
  const buses: KafkaMessageBus[] = [];
  const bundles: EventoBundle[] = [];

  function bus(clientId: string, topicPrefix: string): KafkaMessageBus {
    const made = new KafkaMessageBus({
      client: new KafkajsClient(
        new Kafka({
          clientId,
          brokers: [`127.0.0.1:${PORT}`],
          logLevel: logLevel.NOTHING,
          connectionTimeout: 1000,
          requestTimeout: 3000,
          retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 3 },
        }),
      ),
      topicPrefix,
      partitions: 2,
      heartbeatIntervalMs: 200,
      instanceTimeoutMs: 3_000,
      sessionTimeoutMs: 6_000,
      onError: () => undefined,
    });
    buses.push(made);
    return made;
  }

  beforeAll(async () => {
    await broker('start');
  });

  afterAll(async () => {
    for (const bundle of bundles) await bundle.stop().catch(() => undefined);
    for (const b of buses) await b.close().catch(() => undefined);
    await broker('stop').catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fails calls with typed errors while the broker is down, then serves them again by itself', async () => {
    const prefix = uniqueName('loss');
    const domainBus = bus('domain', prefix);
    const apiBus = bus('api', prefix);
    const store = new InMemoryEventStore();
    const domain = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate])
      .setEventStore(store)
      .setMessageBus(domainBus)
      .onError(() => undefined)
      .start();
    bundles.push(domain);
    const api = await EventoBundle.builder()
      .setBundleId('api')
      .setComponents([Api])
      .setMessageBus(apiBus)
      .onError(() => undefined)
      .start();
    bundles.push(api);
    await api.commandGateway.send(new OpenAccount('acc-1', 'ann'));

    await broker('stop');
    const outcomes = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const error = await rejectionOf(
        api.commandGateway.send(new Deposit('acc-1', 1), undefined, { timeoutMs: 4_000 }),
      );
      expect([TimeoutError, DeliveryError, HandlerLostError].some((type) => error instanceof type)).toBe(
        true,
      );
      outcomes.add((error as Error).constructor.name);
    }

    await broker('start');
    let served = false;
    for (let attempt = 0; attempt < 60 && !served; attempt++) {
      try {
        await api.commandGateway.send(new Deposit('acc-1', 100), undefined, { timeoutMs: 5_000 });
        served = true;
      } catch (error) {
        expect([TimeoutError, DeliveryError, HandlerLostError].some((type) => error instanceof type)).toBe(
          true,
        );
        await sleep(1_000);
      }
    }
    expect(served).toBe(true);
    // And keeps serving.
    await api.commandGateway.send(new Deposit('acc-1', 1_000), undefined, { timeoutMs: 10_000 });
    const deposits = (await store.readAggregate('acc-1')).filter((e) => e.eventName === 'Deposited');
    expect(deposits.length).toBeGreaterThanOrEqual(2);
  });
});
