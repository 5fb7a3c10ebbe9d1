import { Kafka, logLevel } from 'kafkajs';
async function main() {
  const kafka = new Kafka({ clientId: 'probe', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const admin = kafka.admin(); await admin.connect();
  const topic = `probe-${Date.now()}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 12 }], waitForLeaders: true });
  const producer = kafka.producer(); await producer.connect();
  const consumer = kafka.consumer({ groupId: topic, maxWaitTimeInMs: 5000 });
  await consumer.connect(); await consumer.subscribe({ topic, fromBeginning: true });
  const sent = new Map<string, number>(); const lat: number[] = [];
  let resolveOne: (() => void) | undefined;
  await consumer.run({ eachMessage: async ({ message }) => {
    const t = sent.get(message.value!.toString()); if (t !== undefined) lat.push(performance.now() - t);
    resolveOne?.();
  }});
  await new Promise((r) => setTimeout(r, 4000));
  const acks: number[] = [];
  for (let i = 0; i < 400; i++) {
    const v = String(i); const t0 = performance.now(); sent.set(v, t0);
    const got = new Promise<void>((r) => (resolveOne = r));
    await producer.send({ topic, acks: -1, messages: [{ key: v, value: v }] });
    acks.push(performance.now() - t0);
    await got;
  }
  const q = (a: number[], p: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(p * (s.length - 1))]!.toFixed(2); };
  console.log('ack p50', q(acks, 0.5), 'p99', q(acks, 0.99), '| produce->consume p50', q(lat, 0.5), 'p99', q(lat, 0.99));
  await consumer.disconnect(); await producer.disconnect(); await admin.deleteTopics({ topics: [topic] }); await admin.disconnect();
}
main();
