/**
 * Runs a task one at a time. A request while it runs does not start a second copy; it makes the
 * running one go round once more when it finishes, so news that arrives mid-run is not missed.
 */
export class CoalescedRunner {
  private running: Promise<void> | undefined
  private again = false

  constructor(
    private readonly task: () => Promise<void>,
    /** Whether another round is worth it now (e.g. not while offline). */
    private readonly mayRepeat: () => boolean = () => true,
  ) {}

  request(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        await this.task()
      } while (this.again && this.mayRepeat())
    })().finally(() => {
      this.running = undefined
    })
    return this.running
  }
}
