/**
 * The service's Prometheus metrics (prom-client), one registry per service instance so tests and
 * several services in one process never share counters. Gauges read the store at scrape time.
 */
import { Counter, Gauge, Registry } from 'prom-client'

export interface LabelledValue {
  labels: Record<string, string>
  value: number
}

export class Metrics {
  readonly registry = new Registry()
  readonly postbacks = new Counter({
    name: 'kiosk_cashnet_postbacks_total',
    help: 'CashNet postbacks received, by outcome.',
    labelNames: ['outcome'],
    registers: [this.registry],
  })
  readonly almaCalls = new Counter({
    name: 'kiosk_alma_calls_total',
    help: 'Alma API calls, by operation and HTTP status (or "error" when no answer came).',
    labelNames: ['operation', 'status'],
    registers: [this.registry],
  })
  readonly checkouts = new Counter({
    name: 'kiosk_checkouts_total',
    help: 'Checkouts created.',
    registers: [this.registry],
  })
  readonly payUncertain = new Counter({
    name: 'kiosk_alma_pay_uncertain_total',
    help: 'Alma pay calls whose outcome was unknown (timeout, network error, 5xx, 429, unreadable answer).',
    registers: [this.registry],
  })

  /** A gauge computed when scraped. */
  addGauge(name: string, help: string, collect: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await collect())
      },
    })
  }

  /** A gauge with one series per label set, computed when scraped (absent series are dropped). */
  addLabelledGauge(
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: () => Promise<LabelledValue[]>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const values = await collect()
        this.reset()
        for (const { labels, value } of values) this.set(labels, value)
      },
    })
  }

  render(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }
}
