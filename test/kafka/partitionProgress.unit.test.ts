/** Which offset a request consumer commits for a partition, as requests finish out of order. */
import { PartitionProgress } from '../../src/kafka/partitionProgress';

function receivedAll(progress: PartitionProgress, from: number, to: number): void {
  for (let offset = from; offset <= to; offset++) progress.received(String(offset));
}

describe('PartitionProgress', () => {
  it('commits up to the first offset not handled, however the others finish', () => {
    const progress = new PartitionProgress();
    receivedAll(progress, 0, 3);
    progress.done('1');
    progress.done('2');
    expect(progress.toCommit()).toBeUndefined();
    progress.done('0');
    expect(progress.toCommit()).toBe('3');
    progress.committedAt('3');
    expect(progress.toCommit()).toBeUndefined();
  });

  it('skips what a fetch repeated after a rejoin delivers again', () => {
    const progress = new PartitionProgress();
    receivedAll(progress, 0, 4);
    progress.done('0');
    progress.committedAt('1');
    progress.rejoined();
    // The group reads again from its committed offset, 1: 1 to 4 are handled or running here.
    expect(['1', '2', '3', '4'].map((o) => progress.received(o))).toEqual([false, false, false, false]);
    expect(progress.received('5')).toBe(true);
  });

  it('never moves the group offset back when it rejoins after another member moved it on', () => {
    const progress = new PartitionProgress();
    receivedAll(progress, 0, 4);
    progress.done('0');
    progress.committedAt('1');
    // Paused past its session timeout: another member handled up to 19 and committed 20. This
    // member joins again, gets the partition back and reads from 20.
    progress.rejoined();
    expect(progress.received('20')).toBe(true);
    // What it still ran from before the pause ends now: nothing to commit below 20.
    for (const offset of ['1', '2', '3', '4']) progress.done(offset);
    expect(progress.toCommit()).toBeUndefined();
    progress.done('20');
    expect(progress.toCommit()).toBe('21');
  });
});
