// An SVG bar chart of counts per week (new AI grants), drawn here: no chart library, no network.
import { useEffect, useRef, useState } from 'preact/hooks'
import { formatShortDate } from '../format.ts'

export interface WeekCount {
  week: string
  count: number
}

const HEIGHT = 220
const PAD = { top: 12, right: 8, bottom: 26, left: 34 }

/** The pixel width of an element, followed as it resizes (drawn in pixels: text never stretches). */
function useWidth(initial: number) {
  const ref = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(initial)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => el.clientWidth > 0 && setWidth(el.clientWidth)
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  return { ref, width }
}

/** A round axis maximum and tick step for counts up to `max` (at least 4 ticks tall). */
export function niceScale(max: number): { top: number; step: number } {
  if (max <= 4) return { top: 4, step: 1 }
  const rough = max / 4
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude
  return { top: Math.ceil(max / step) * step, step }
}

export function WeeklyChart({
  data,
  label = 'New AI grants per week',
}: {
  data: WeekCount[]
  label?: string
}) {
  const { ref, width: WIDTH } = useWidth(720)
  const total = data.reduce((sum, d) => sum + d.count, 0)
  if (data.length === 0 || total === 0) {
    return (
      <div class="chart-empty" ref={ref}>
        No new AI grants in this period. Grants appear here as enrolled browsers report consents.
      </div>
    )
  }
  const max = Math.max(...data.map((d) => d.count))
  const { top, step } = niceScale(max)
  const plotW = WIDTH - PAD.left - PAD.right
  const plotH = HEIGHT - PAD.top - PAD.bottom
  const slot = plotW / data.length
  const barW = Math.max(2, Math.min(28, slot * 0.68))
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH
  const ticks: number[] = []
  for (let v = 0; v <= top; v += step) ticks.push(v)
  // Label a week every ~110 px along the axis.
  const every = Math.max(1, Math.ceil(data.length / Math.max(2, Math.floor(plotW / 110))))
  const first = data[0]
  const last = data[data.length - 1]
  return (
    <figure class="chart" ref={ref}>
      <svg
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${label}: ${total} in ${data.length} weeks, at most ${max} in one week`}
        class="chart-svg"
      >
        <title>{label}</title>
        <desc>
          {first && last
            ? `Weeks from ${first.week} to ${last.week}; ${total} in total.`
            : `${total} in total.`}
        </desc>
        {ticks.map((t) => (
          <g key={t} class="chart-grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 6} y={y(t) + 4} text-anchor="end" class="chart-tick">
              {t}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2
          const h = (d.count / top) * plotH
          return (
            <g key={d.week} class="chart-bar" data-week={d.week} data-count={d.count}>
              <rect x={x} y={y(d.count)} width={barW} height={Math.max(0, h)} rx={2}>
                <title>{`Week of ${formatShortDate(d.week)}: ${d.count}`}</title>
              </rect>
              {(data.length - 1 - i) % every === 0 && (
                <text
                  x={x + barW / 2}
                  y={HEIGHT - 8}
                  text-anchor="middle"
                  class="chart-tick chart-x"
                >
                  {formatShortDate(d.week)}
                </text>
              )}
            </g>
          )
        })}
        <line class="chart-axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
      </svg>
    </figure>
  )
}
