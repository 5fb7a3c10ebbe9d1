/**
 * The wire workload's evento-ts side: the distributed workload's GetBalance query encoded by the
 * sender's WireCodec and decoded by the receiver's, and its Single answer back the same way, all
 * in this process (no transport).
 */
import { randomUUID } from 'node:crypto';
import { Metadata, PayloadRegistry, QueryMessage, Single, WireCodec } from '../../../src';
import type { RunOutput, SystemRun } from '../../harness/types';
import { GetBalance, type BalanceView } from './distributed/balances';

export function eventoWire(count: number): Promise<SystemRun> {
  const codec = (): WireCodec => {
    const payloads = new PayloadRegistry();
    payloads.register(GetBalance);
    return new WireCodec({ payloads });
  };
  const sender = codec();
  const receiver = codec();
  return Promise.resolve({
    system: 'evento-ts',
    run(): Promise<RunOutput> {
      let sum = 0;
      for (let k = 0; k < count; k++) {
        const id = randomUUID();
        const query = new QueryMessage(
          new GetBalance(`acc-${k % 1000}`, Date.now()),
          'GetBalance',
          new Metadata({ messageId: id, correlationId: id }),
          new Date(),
        );
        const bytes = sender.encodeRequest(query, { deadline: Date.now() + 10_000, replyTo: `replies:${k}` });
        const request = receiver.decodeRequest(bytes);
        const view: BalanceView = { id: (request.message.payload as GetBalance).id, balance: k };
        const reply = sender.decodeReply(receiver.encodeResponse(request.message.messageId, Single.of(view)));
        if (reply.kind !== 'response') throw new Error('the answer did not decode as a response');
        sum += (reply.result as Single<BalanceView>).data.balance;
      }
      if (sum !== (count * (count - 1)) / 2) throw new Error(`the answers summed to ${sum}`);
      return Promise.resolve({ ops: count });
    },
    close: () => Promise.resolve(),
  });
}
