/**
 * A refused argument or setting of `npm run bench`: its message says what to fix, so the command
 * prints the message alone (any other error is printed whole, with its stack).
 */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}
