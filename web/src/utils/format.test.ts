import { afterEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_TIME_ZONE,
  businessDayStartUtc,
  businessTimeZone,
  serverTodayIso,
  setBusinessTimeZone,
  toIsoDay,
  todayIso,
} from './format'

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

describe('the business time zone', () => {
  afterEach(() => {
    setBusinessTimeZone(DEFAULT_TIME_ZONE)
  })

  it('is Asia/Shanghai until the server says otherwise, and refuses a zone Intl does not know', () => {
    expect(businessTimeZone()).toBe('Asia/Shanghai')
    expect(setBusinessTimeZone('Mars/Olympus_Mons')).toBe(false)
    expect(setBusinessTimeZone('')).toBe(false)
    expect(setBusinessTimeZone(undefined)).toBe(false)
    expect(businessTimeZone()).toBe('Asia/Shanghai')
  })

  it('starts a Beijing day at 16:00 UTC the day before, for the API time filters', () => {
    expect(businessDayStartUtc('2026-12-03')).toBe('2026-12-02T16:00:00Z')
    // An inclusive "to" day ends where the next one starts, across a month and a year too.
    expect(businessDayStartUtc('2026-11-30', 1)).toBe('2026-11-30T16:00:00Z')
    expect(businessDayStartUtc('2026-12-31', 1)).toBe('2026-12-31T16:00:00Z')
    expect(businessDayStartUtc('3 Dec')).toBe('')
  })

  it('puts 00:30 and 23:30 Beijing time inside the Beijing day whose start it computes', () => {
    const start = Date.parse(businessDayStartUtc('2026-12-03'))
    const end = Date.parse(businessDayStartUtc('2026-12-03', 1))
    for (const at of [new Date('2026-12-02T16:30:00Z'), new Date('2026-12-03T15:30:00Z')]) {
      expect(toIsoDay(at)).toBe('2026-12-03')
      expect(at.getTime()).toBeGreaterThanOrEqual(start)
      expect(at.getTime()).toBeLessThan(end)
    }
  })

  it('follows the zone the server names, with no fixed offset', () => {
    expect(setBusinessTimeZone('Asia/Urumqi')).toBe(true)
    // 00:30 Beijing time is 22:30 the day before in Urumqi (UTC+6).
    expect(todayIso(new Date('2026-12-02T16:30:00Z'))).toBe('2026-12-02')
    expect(businessDayStartUtc('2026-12-03')).toBe('2026-12-02T18:00:00Z')
    // A zone with daylight saving: Berlin's day starts at 22:00 UTC in summer, 23:00 in winter,
    // and the day the clocks go forward is 23 hours long.
    expect(setBusinessTimeZone('Europe/Berlin')).toBe(true)
    expect(businessDayStartUtc('2026-07-01')).toBe('2026-06-30T22:00:00Z')
    expect(businessDayStartUtc('2026-12-03')).toBe('2026-12-02T23:00:00Z')
    expect(businessDayStartUtc('2026-03-29', 1)).toBe('2026-03-29T22:00:00Z')
    expect(businessDayStartUtc('2026-03-29')).toBe('2026-03-28T23:00:00Z')
  })
})
