/**
 * Injected into projector and observer handlers: tells whether the consumer has caught up with
 * the head of the stream. Skip notifications while `isHeadReached()` is false (a replay).
 */
export class ProjectorStatus {
  constructor(private readonly headReached: boolean) {}

  isHeadReached(): boolean {
    return this.headReached;
  }
}
