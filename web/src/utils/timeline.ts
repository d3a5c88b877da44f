// A member's timeline (党员档案时间线): pipeline steps, transfers (requested and decided), dues
// payments and cards, newest first. Dates are the API's calendar days (2026-11-23).
import type { StageEvent, Transfer } from '@/api/members'
import type { Card, DuesMonth } from '@/api/dues'

export type TimelineEvent =
  | { kind: 'stage'; date: string; from: string | null; to: string; note?: string }
  | { kind: 'transfer'; date: string; status: string; fromOrg: number; toOrg: number; note?: string }
  | { kind: 'transfer_decided'; date: string; status: string; toOrg: number; note?: string }
  | { kind: 'dues'; date: string; month: string; amountFen: number; note?: string }
  | { kind: 'card'; date: string; number: string; note?: string }

export function buildTimeline(input: { stages: StageEvent[]; transfers: Transfer[]; dues: DuesMonth[]; cards: Card[] }): TimelineEvent[] {
  const out: TimelineEvent[] = []
  for (const s of input.stages) out.push({ kind: 'stage', date: s.on_date, from: s.from_stage, to: s.to_stage, note: s.note || undefined })
  for (const x of input.transfers) {
    out.push({
      kind: 'transfer',
      date: x.requested_on,
      status: x.status === 'pending' && x.overdue ? 'overdue' : 'requested',
      fromOrg: x.from_org_id,
      toOrg: x.to_org_id,
    })
    if (x.decided_on && x.status !== 'pending') {
      out.push({ kind: 'transfer_decided', date: x.decided_on, status: x.status, toOrg: x.to_org_id, note: x.reason || undefined })
    }
  }
  for (const m of input.dues) {
    if (m.paid_fen > 0 && m.paid_on) out.push({ kind: 'dues', date: m.paid_on, month: m.month, amountFen: m.paid_fen })
  }
  for (const c of input.cards) out.push({ kind: 'card', date: c.issued_on, number: c.number })
  // Newest first; on one day, the order of the kinds above is kept (stable sort).
  return out.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0))
}
