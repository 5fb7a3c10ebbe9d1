// Used by scripts/kafka.sh: exits 0 once a kafkajs admin connected to the broker can list topics,
// 1 when it still cannot after the given number of seconds.
//   node scripts/kafka/ready.js 127.0.0.1:9092 60
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [broker = '127.0.0.1:9092', seconds = '60'] = process.argv.slice(2);
const deadline = Date.now() + Number(seconds) * 1000;

async function main() {
  let lastError;
  while (Date.now() < deadline) {
    const admin = new Kafka({
      clientId: 'evento-kafka-ready',
      brokers: [broker],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
  throw lastError ?? new Error('timed out');
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`kafka: a kafkajs admin could not list topics on ${broker}: ${error.message}`);
    process.exit(1);
  },
);
