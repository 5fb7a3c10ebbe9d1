import { rejection } from './promises';

/**
 * Runs tasks that share a key one after another, in arrival order; tasks with different keys run
 * concurrently. Keys with nothing queued take no memory.
 */
export class KeyedMutex {
  /** Per key, a promise that settles (never rejects) when the last task queued on it has ended. */
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    // A task starts at once when its key is free, else when the task before it has ended.
    const result = previous === undefined ? start(task) : previous.then(task);
    const tail = result.then(ignore, ignore);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** `task()`, its synchronous throw as a rejection. */
function start<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (error) {
    return rejection(error);
  }
}

function ignore(): void {}
