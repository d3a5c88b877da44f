import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { useFieldErrors } from './useFieldErrors'

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('useFieldErrors', () => {
  it('puts an API error on the field it names', async () => {
    const e = useFieldErrors(['name', 'phone'] as const)
    expect(e.apply(new ApiError(409, 'conflict', '已有同名村民小组', 'name'))).toBe(true)
    await tick()
    expect(e.fields.name).toBe('已有同名村民小组')
    expect(e.fields.phone).toBe('')
    e.clear()
    expect(e.fields.name).toBe('')
  })

  it('maps aliased server field names', async () => {
    const e = useFieldErrors(['unit_code'] as const, { unit: 'unit_code' })
    expect(e.apply(new ApiError(400, 'invalid_argument', '没有这个单位', 'unit'))).toBe(true)
    await tick()
    expect(e.fields.unit_code).toBe('没有这个单位')
  })

  it('shows an error of a list item under the list when the form has no field for the item', async () => {
    const e = useFieldErrors(['topic', 'attendance'] as const)
    expect(e.apply(new ApiError(400, 'invalid_argument', '出席名单第 4 项：党员 12 不是该组织的党员', 'attendance[3].member_id'))).toBe(true)
    await tick()
    expect(e.fields.attendance).toBe('出席名单第 4 项：党员 12 不是该组织的党员')
    expect(e.apply(new ApiError(400, 'invalid_argument', 'x', 'parts[1].name'))).toBe(false)
  })

  it('leaves errors of other fields, without a field, or not from the API to the caller', () => {
    const e = useFieldErrors(['name'] as const)
    expect(e.apply(new ApiError(400, 'invalid_argument', 'x', 'code'))).toBe(false)
    expect(e.apply(new ApiError(500, 'internal', 'x'))).toBe(false)
    expect(e.apply(new Error('boom'))).toBe(false)
  })
})
