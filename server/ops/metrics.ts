/**
 * A small Prometheus text-format registry: counters with labels, and gauges computed at scrape time.
 * Enough for /metrics without another dependency.
 */

type Labels = Record<string, string>

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map(
      (name) =>
        `${name}="${(labels[name] ?? '').replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`,
    )
    .join(',')
}

export class Counter {
  private readonly values = new Map<string, number>()
  readonly name: string
  readonly help: string

  constructor(name: string, help: string) {
    this.name = name
    this.help = help
  }

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels)
    this.values.set(key, (this.values.get(key) ?? 0) + by)
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`]
    for (const [key, value] of this.values)
      lines.push(`${this.name}${key ? `{${key}}` : ''} ${value}`)
    return lines.join('\n')
  }
}

export class Gauge {
  readonly name: string
  readonly help: string
  private readonly collect: () => number | Promise<number>

  constructor(name: string, help: string, collect: () => number | Promise<number>) {
    this.name = name
    this.help = help
    this.collect = collect
  }

  async render(): Promise<string> {
    const value = await this.collect()
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${value}`,
    ].join('\n')
  }
}

export class Metrics {
  readonly postbacks = new Counter(
    'kiosk_cashnet_postbacks_total',
    'CashNet postbacks received, by outcome.',
  )
  readonly almaCalls = new Counter(
    'kiosk_alma_calls_total',
    'Alma API calls, by operation and HTTP status (or "error" when no answer came).',
  )
  readonly checkouts = new Counter('kiosk_checkouts_total', 'Checkouts created.')
  readonly payUncertain = new Counter(
    'kiosk_alma_pay_uncertain_total',
    'Alma pay calls whose outcome was unknown (timeout, network error, 5xx, 429, unreadable answer).',
  )
  private readonly gauges: Gauge[] = []

  addGauge(name: string, help: string, collect: () => number | Promise<number>): void {
    this.gauges.push(new Gauge(name, help, collect))
  }

  async render(): Promise<string> {
    const parts = [
      this.postbacks.render(),
      this.almaCalls.render(),
      this.checkouts.render(),
      this.payUncertain.render(),
    ]
    for (const gauge of this.gauges) parts.push(await gauge.render())
    return `${parts.join('\n')}\n`
  }
}
