import type { Message, Producer } from 'kafkajs';

/**
 * Sends to one topic with one produce request in flight: the messages given while it is out go
 * together in the next (fewer requests to the broker than a `send` each, as measured with the raw
 * system itself). Each `send` resolves once its message is acknowledged.
 */
export class OneInFlight {
  private waiting: { message: Message; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private busy = false;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  send(message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ message, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.busy || this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.busy = true;
    this.producer
      .send({ topic: this.topic, acks: -1, messages: batch.map((w) => w.message) })
      .then(
        () => batch.forEach((w) => w.resolve()),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        this.busy = false;
        this.flush();
      });
  }
}
