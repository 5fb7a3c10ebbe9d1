import { Kafka, logLevel } from 'kafkajs';
import { KafkajsClient } from './src/kafka/kafkajsClient';
async function main() {
  const probe = process.argv[3] === 'probe';
  const kafka = new Kafka({ clientId: 'dup', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING, connectionTimeout: 2000, retry: { initialRetryTime: 100, retries: 4 } });
  const client = new KafkajsClient(kafka);
  const admin = client.admin(); await admin.connect();
  const raw = kafka.admin(); await raw.connect();
  let dups = 0;
  const made: string[] = [];
  const n = Number(process.argv[2] ?? 30);
  for (let i = 0; i < n; i++) {
    const p = client.producer(); await p.connect();
    const topic = `scratch-dup-${Date.now()}-${i}`;
    await admin.createTopics([{ topic, partitions: 3 }]);
    if (probe) await raw.fetchTopicOffsets(topic);
    const msgs = Array.from({ length: 12 }, (_, k) => ({ key: `k${k}`, value: Buffer.from(`v${k}`) }));
    await p.send(topic, msgs);
    await p.disconnect();
    const o = await raw.fetchTopicOffsets(topic);
    const total = o.reduce((s, x) => s + Number(x.high), 0);
    if (total !== 12) dups++;
    made.push(topic);
  }
  console.log(probe ? 'probe' : 'plain', 'dups', dups, 'of', n);
  await admin.deleteTopics(made); await admin.disconnect(); await raw.disconnect();
}
void main();
