/**
 * Thirty days of payments at a glance: a bar a day for the amount taken (left axis) and a line for
 * the number of payments (right axis), drawn as SVG here. It is an image with a text summary for
 * assistive technology, and the same figures as a table below it for anyone who prefers reading.
 */
import { useId } from 'react'
import type { Today } from '../../../../common/staffApi.ts'
import { day, money } from '../format.ts'
import { TableWrap } from './TableWrap.tsx'

const width = 720
const height = 240
const margin = { top: 16, right: 44, bottom: 28, left: 64 }
const plotWidth = width - margin.left - margin.right
const plotHeight = height - margin.top - margin.bottom

/** A round top for an axis: 1, 2 or 5 times a power of ten, at least `value`. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

export function DaysChart({ days }: { days: Today['days'] }) {
  const titleId = useId()
  const descId = useId()
  const maxCents = niceCeiling(Math.max(0, ...days.map((entry) => entry.amountCents)) / 100) * 100
  const maxCount = niceCeiling(Math.max(0, ...days.map((entry) => entry.count)))
  const slot = plotWidth / Math.max(days.length, 1)
  const x = (index: number) => margin.left + index * slot
  const yAmount = (cents: number) => margin.top + plotHeight - (cents / maxCents) * plotHeight
  const yCount = (count: number) => margin.top + plotHeight - (count / maxCount) * plotHeight
  const totalCents = days.reduce((sum, entry) => sum + entry.amountCents, 0)
  const totalCount = days.reduce((sum, entry) => sum + entry.count, 0)
  const busiest = days.reduce<Today['days'][number] | null>(
    (best, entry) => (best === null || entry.amountCents > best.amountCents ? entry : best),
    null,
  )
  const first = days[0]
  const last = days.at(-1)
  const line = days
    .map(
      (entry, index) => `${index === 0 ? 'M' : 'L'}${x(index) + slot / 2},${yCount(entry.count)}`,
    )
    .join(' ')

  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>Payments over the last 30 days</title>
        <desc id={descId}>
          {`${totalCount} payments, ${money(totalCents)} in all` +
            (first && last ? `, from ${day(first.date)} to ${day(last.date)}` : '') +
            (busiest && busiest.amountCents > 0
              ? `. The most was ${money(busiest.amountCents)} on ${day(busiest.date)}.`
              : '.')}
        </desc>
        {[0, 0.5, 1].map((fraction) => {
          const y = margin.top + plotHeight - fraction * plotHeight
          return (
            <g key={fraction}>
              <line
                className="chart-grid"
                x1={margin.left}
                x2={width - margin.right}
                y1={y}
                y2={y}
              />
              <text className="chart-label" x={margin.left - 6} y={y + 4} textAnchor="end">
                {money(Math.round(maxCents * fraction))}
              </text>
              <text className="chart-label" x={width - margin.right + 6} y={y + 4}>
                {Math.round(maxCount * fraction)}
              </text>
            </g>
          )
        })}
        {days.map((entry, index) => {
          const top = yAmount(entry.amountCents)
          return (
            <rect
              key={entry.date}
              className="chart-bar"
              x={x(index) + slot * 0.15}
              y={top}
              width={slot * 0.7}
              height={margin.top + plotHeight - top}
            />
          )
        })}
        <path className="chart-line" d={line} />
        {days.map((entry, index) => (
          <circle
            key={entry.date}
            className="chart-dot"
            cx={x(index) + slot / 2}
            cy={yCount(entry.count)}
            r={2.5}
          />
        ))}
        <line
          className="chart-axis"
          x1={margin.left}
          x2={width - margin.right}
          y1={margin.top + plotHeight}
          y2={margin.top + plotHeight}
        />
        {days.map((entry, index) =>
          index % 7 === days.length % 7 || index === days.length - 1 ? (
            <text
              key={entry.date}
              className="chart-label"
              x={x(index) + slot / 2}
              y={height - 8}
              textAnchor="middle"
            >
              {day(entry.date)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption>
        <ul className="legend">
          <li className="legend-bar">Amount (left scale)</li>
          <li className="legend-line">Number of payments (right scale)</li>
        </ul>
      </figcaption>
      <details>
        <summary>The same figures as a table</summary>
        <TableWrap label="Payments per day, last 30 days">
          <table className="data-table">
            <caption className="visually-hidden">Payments per day, last 30 days</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col" className="numeric">
                  Payments
                </th>
                <th scope="col" className="numeric">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {days.map((entry) => (
                <tr key={entry.date}>
                  <th scope="row">{day(entry.date)}</th>
                  <td className="numeric">{entry.count}</td>
                  <td className="numeric">{money(entry.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </figure>
  )
}
