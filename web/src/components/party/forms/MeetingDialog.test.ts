import { afterEach, describe, expect, it, vi } from 'vitest'
import MeetingDialog from './MeetingDialog.vue'
import { flush, mountWithApp, waitFor } from '@/test/mountApp'
import { mockFetch } from '@/test/fetchMock'
import { click, errorUnder, fill } from '@/test/formHelpers'

const people = [
  { id: 11, name: '次仁' },
  { id: 12, name: '扎西' },
  { id: 13, name: '卓玛' },
]
const KINDS = [
  { kind: 'committee', name: '支部委员会会议' },
  { kind: 'lecture', name: '党课' },
]

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('MeetingDialog', { timeout: 30000 }, () => {
  it('records attendance for every member of the branch and shows the server\'s error under the topic', async () => {
    let answer = 0
    const { calls } = mockFetch({
      'GET /api/v1/members': () => ({ status: 200, body: { items: people, total: 3, offset: 0, limit: 200 } }),
      'POST /api/v1/orgs/4/meetings': () =>
        answer++ === 0
          ? { status: 400, body: { error: { code: 'invalid_argument', message: '请填写 1–100 字的会议主题。', field: 'topic' } } }
          : { status: 201, body: { meeting: { id: 5, org_id: 4, kind: 'committee', held_on: '2026-11-05', topic: '研究本月工作', attendance_count: 3 } } },
    })
    const { wrapper } = await mountWithApp(MeetingDialog, { props: { modelValue: false, orgId: 4, kinds: KINDS } })
    await wrapper.setProps({ modelValue: true })
    await waitFor(() => !!document.querySelector('[data-testid="attendance-13"]'))
    expect(calls[0].url).toContain('org_id=4')
    expect(document.querySelector('[data-testid="meeting-counts"]')?.textContent).toBe('出席 3，缺席 0，请假 0')
    // 卓玛 on leave, 扎西 absent.
    const groups = wrapper.findAllComponents({ name: 'ElRadioGroup' })
    groups[2].vm.$emit('update:modelValue', 'leave')
    groups[1].vm.$emit('update:modelValue', 'absent')
    await flush()
    expect(document.querySelector('[data-testid="meeting-counts"]')?.textContent).toBe('出席 1，缺席 1，请假 1')

    // No topic: refused before the server.
    await click('meeting-save')
    await waitFor(() => errorUnder('主题') !== '')
    expect(errorUnder('主题')).toBe('请填写会议主题')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)

    await fill('meeting-topic', ' 研究本月工作 ')
    await click('meeting-save')
    await waitFor(() => errorUnder('主题').includes('1–100'))
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toMatchObject({
      kind: 'committee',
      topic: '研究本月工作',
      attendance: [
        { member_id: 11, status: 'present' },
        { member_id: 12, status: 'absent' },
        { member_id: 13, status: 'leave' },
      ],
    })
    expect((post.body as { held_on: string }).held_on).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    await click('meeting-save')
    await waitFor(() => !!wrapper.emitted('saved'))
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ held_on: '2026-11-05' })
  })
})
