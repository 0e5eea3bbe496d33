import { afterEach, describe, expect, it } from 'vitest'
import { renderInTest, type Rendered } from '../render-in-test.tsx'
import { niceScale, WeeklyChart } from './WeeklyChart.tsx'

let view: Rendered | null = null
afterEach(() => view?.unmount())

const weeks = (counts: number[]) =>
  counts.map((count, i) => ({
    week: new Date(Date.UTC(2026, 5, 1 + i * 7)).toISOString().slice(0, 10),
    count,
  }))

describe('WeeklyChart', () => {
  it('draws one bar per week, heights in proportion, with an accessible summary', async () => {
    view = await renderInTest(<WeeklyChart data={weeks([0, 2, 4, 1])} />)
    const bars = [...view.container.querySelectorAll('.chart-bar')]
    expect(bars).toHaveLength(4)
    expect(bars.map((b) => b.getAttribute('data-count'))).toEqual(['0', '2', '4', '1'])
    const heights = bars.map((b) => Number(b.querySelector('rect')!.getAttribute('height')))
    expect(heights[0]).toBe(0)
    expect(heights[2]).toBeCloseTo(heights[1]! * 2, 5)
    expect(heights[1]).toBeCloseTo(heights[3]! * 2, 5)
    const svg = view.container.querySelector('svg')!
    expect(svg.getAttribute('role')).toBe('img')
    expect(svg.getAttribute('aria-label')).toBe(
      'New AI grants per week: 7 in 4 weeks, at most 4 in one week'
    )
    expect(bars[2]!.querySelector('title')!.textContent).toBe('Week of 15 Jun: 4')
  })

  it('labels the y axis with round ticks up to a round maximum', async () => {
    view = await renderInTest(<WeeklyChart data={weeks([3, 17, 9])} />)
    const ticks = [...view.container.querySelectorAll('.chart-grid text')].map((t) => t.textContent)
    expect(ticks).toEqual(['0', '5', '10', '15', '20'])
  })

  it('always labels the latest week on the x axis', async () => {
    const data = weeks(Array.from({ length: 26 }, (_, i) => i % 3))
    view = await renderInTest(<WeeklyChart data={data} />)
    const labels = [...view.container.querySelectorAll('.chart-x')].map((t) => t.textContent)
    expect(labels.length).toBeGreaterThan(2)
    expect(labels.length).toBeLessThan(26)
    expect(labels[labels.length - 1]).toBe('23 Nov')
  })

  it('says so instead of drawing an empty chart', async () => {
    view = await renderInTest(<WeeklyChart data={weeks([0, 0, 0])} />)
    expect(view.container.querySelector('svg')).toBeNull()
    expect(view.text()).toContain('No new AI grants in this period')
  })
})

describe('niceScale', () => {
  it.each([
    [0, 4, 1],
    [3, 4, 1],
    [7, 8, 2],
    [17, 20, 5],
    [230, 300, 100],
    [1000, 1000, 250],
  ])('scales a maximum of %i to %i in steps of %i', (max, top, step) => {
    expect(niceScale(max)).toEqual({ top, step })
  })
})
