/**
 * KafkaMessageBus passes the message bus contract against the real broker, on each Kafka client
 * installed: every bundle of a test connects its own bus (as separate processes would), all on
 * one topic prefix of the test's own.
 */
import { messageBusContract } from '../contracts/messageBusContract';
import { clientsUnderTest, describeWithKafka } from '../support/kafka';
import { kafkaBusNetwork } from './busNetwork';

jest.setTimeout(60_000);

for (const implementation of clientsUnderTest()) {
  describeWithKafka()(`on ${implementation.name}`, () => {
    messageBusContract(`KafkaMessageBus on ${implementation.name}`, async () =>
      kafkaBusNetwork((clientId) => implementation.create(clientId)),
    );
  });
}
