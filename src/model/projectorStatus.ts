/**
 * Injected into projector and observer handlers: tells whether the consumer has caught up with
 * the head of the stream. Skip notifications while `isHeadReached()` is false (a replay).
 */
export class ProjectorStatus {
  constructor(private readonly headReached: boolean) {}

  /** True when the batch being handled reached the head of the stream (the fetch returned less than a full batch): the consumer is live, not replaying. */
  isHeadReached(): boolean {
    return this.headReached;
  }
}
