import { InProcessMessageBus, type MessageBus } from '../../src';
import { messageBusContract } from '../contracts/messageBusContract';

/** One bus shared by every bundle of a test, as in one process. */
function inProcess(serialize: boolean) {
  return async () => {
    const bus = new InProcessMessageBus({ serialize });
    return {
      connect: (): MessageBus => bus,
      serializes: serialize,
      cleanup: () => bus.close(),
    };
  };
}

messageBusContract('InProcessMessageBus', inProcess(false));
messageBusContract('InProcessMessageBus({ serialize: true })', inProcess(true));
