import { describe, expect, it } from 'vitest'
import { buildTimeline } from './timeline'

describe('a member\'s timeline', () => {
  it('merges pipeline steps, transfers, dues and cards, newest first', () => {
    const events = buildTimeline({
      stages: [
        { id: 1, from_stage: null, to_stage: 'activist', on_date: '2025-05-04', approved_by: null, note: '' },
        { id: 2, from_stage: 'activist', to_stage: 'candidate', on_date: '2026-05-10', approved_by: 3, note: '支部大会通过' },
      ],
      transfers: [
        {
          id: 9, member_id: 1, member_name: '旦增', from_org_id: 4, to_org_id: 5, from_unit_code: '540424100201',
          to_unit_code: '540424100202', status: 'rejected', requested_on: '2026-06-01', decided_on: '2026-06-03',
          reason: '材料不全', overdue: false,
        },
      ],
      dues: [
        { month: '2026-01', due_fen: 200, paid_fen: 200, arrears_fen: 0, paid_on: '2026-01-10' },
        { month: '2026-02', due_fen: 200, paid_fen: 0, arrears_fen: 200, paid_on: null },
      ],
      cards: [{ id: 3, member_id: 1, number: '5404100001', issued_on: '2026-07-01', status: 'valid' }],
    })
    expect(events.map((e) => `${e.date} ${e.kind}`)).toEqual([
      '2026-07-01 card',
      '2026-06-03 transfer_decided',
      '2026-06-01 transfer',
      '2026-05-10 stage',
      '2026-01-10 dues',
      '2025-05-04 stage',
    ])
    expect(events[1]).toMatchObject({ status: 'rejected', note: '材料不全' })
    expect(events[3]).toMatchObject({ from: 'activist', to: 'candidate', note: '支部大会通过' })
    expect(events[4]).toMatchObject({ month: '2026-01', amountFen: 200 })
  })

  it('marks a transfer nobody answered as overdue', () => {
    const [e] = buildTimeline({
      stages: [],
      transfers: [
        {
          id: 1, member_id: 1, member_name: '', from_org_id: 4, to_org_id: 5, from_unit_code: '', to_unit_code: '',
          status: 'pending', requested_on: '2026-01-02', decided_on: null, reason: null, overdue: true,
        },
      ],
      dues: [],
      cards: [],
    })
    expect(e).toMatchObject({ kind: 'transfer', status: 'overdue' })
  })
})
