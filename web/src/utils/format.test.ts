import { describe, expect, it } from 'vitest'
import { serverTodayIso, todayIso } from './format'

// The server's business date is the Beijing day (Asia/Shanghai), so the date fields' default
// is the Beijing day too, also between 00:00 and 08:00 when the UTC date is still yesterday.
describe('the day date fields default to', () => {
  it('is the Beijing day at 00:30 Beijing time', () => {
    const at = new Date('2026-12-02T16:30:00Z')
    expect(todayIso(at)).toBe('2026-12-03')
    expect(serverTodayIso(at)).toBe('2026-12-03')
  })

  it('is the Beijing day at 23:30 Beijing time', () => {
    const at = new Date('2026-12-03T15:30:00Z')
    expect(serverTodayIso(at)).toBe('2026-12-03')
  })

  it('turns at midnight in Beijing, not at midnight UTC', () => {
    expect(serverTodayIso(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30')
    expect(serverTodayIso(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01')
  })
})
