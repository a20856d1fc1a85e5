// Runs the schedules of the CDK stack locally, on the very same EventBridge cron expressions.
import awsCronParser from 'aws-cron-parser'

const cronBody = (expression: string) => {
  const match = /^cron\((.+)\)$/.exec(expression)
  if (!match?.[1]) throw new Error(`only cron(...) schedule expressions run locally, not ${expression}`)
  return match[1]
}

export class LocalSchedule {
  #timer: NodeJS.Timeout | undefined
  #running = false
  lastRun: Date | undefined
  lastError: unknown
  readonly #cron: ReturnType<typeof awsCronParser.parse>

  constructor(
    readonly name: string,
    expression: string,
    private readonly run: () => Promise<unknown>,
  ) {
    this.#cron = awsCronParser.parse(cronBody(expression))
  }

  get running(): boolean {
    return this.#running
  }

  start(): void {
    this.#running = true
    this.#arm()
  }

  #arm() {
    if (!this.#running) return
    const next = awsCronParser.next(this.#cron, new Date(Date.now() + 1000))
    if (!next) return
    this.#timer = setTimeout(async () => {
      try {
        await this.run()
        this.lastRun = new Date()
        this.lastError = undefined
      } catch (error) {
        this.lastError = error
        console.error(`schedule ${this.name} failed:`, error)
      }
      this.#arm()
    }, next.getTime() - Date.now())
  }

  stop(): void {
    this.#running = false
    clearTimeout(this.#timer)
  }
}
