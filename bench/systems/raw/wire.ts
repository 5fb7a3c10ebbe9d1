/**
 * The wire workload's raw side: what the raw Kafka system puts on the wire for the same query and
 * its answer (bench/systems/raw/kafka): its JSON request and answer as bytes, both ways, with
 * plain JSON.stringify and JSON.parse.
 */
import { randomUUID } from 'node:crypto';
import type { RunOutput, SystemRun } from '../../harness/types';
import type { RawAnswer, RawRequest } from './kafka/protocol';

export function rawWire(count: number): Promise<SystemRun> {
  return Promise.resolve({
    system: 'raw',
    run(): Promise<RunOutput> {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const correlation = randomUUID(); // travels in a header, as the raw system's does
        const sent: RawRequest = { id: `acc-${k % 1000}`, sentAt: Date.now() };
        const bytes = Buffer.from(JSON.stringify(sent), 'utf8');
        const request = JSON.parse(bytes.toString('utf8')) as RawRequest;
        if (request.id !== sent.id || correlation.length === 0) throw new Error('the request did not decode');
        const answer: RawAnswer = { result: k };
        const reply = JSON.parse(Buffer.from(JSON.stringify(answer), 'utf8').toString('utf8')) as RawAnswer;
        if (!('result' in reply)) throw new Error('the answer did not decode');
        sum += reply.result;
      }
      if (sum !== (count * (count - 1)) / 2) throw new Error(`the answers summed to ${sum}`);
      return Promise.resolve({ ops: count });
    },
    close: () => Promise.resolve(),
  });
}
