/**
 * File writes that run behind the encoding: an export opens, writes and closes thousands of
 * small partition files (dates strayed over centuries make one per month), and waiting for each
 * of those file-system calls in turn left the encoder idle most of the time. A bounded number of
 * files are written in the background while the next ones are encoded; the first failure is kept
 * and thrown at the next chance, never left as an unhandled rejection.
 */
export class WriteBehind {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit = 16) {}

  /** Resolves once fewer than `limit` background jobs run; throws the first failure so far. */
  async room(): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.throwIfFailed();
  }

  /** Lets `work` (already started) finish in the background. */
  track(work: Promise<unknown>): void {
    const job: Promise<void> = work
      .then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }

  /** Waits for every background job; throws the first failure, if any. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
