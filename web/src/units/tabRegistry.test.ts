import { describe, expect, it } from 'vitest'
import { UnitTabRegistry, defineUnitTab, registryOf, type UnitTab } from './tabRegistry'
import { unitTabs } from './tabs'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'
import type { Messages } from '@/locales/catalogue'

const Empty = { template: '<div/>' }
const tab = (id: string, order: number, more: Partial<UnitTab> = {}): UnitTab =>
  defineUnitTab({ id, labelKey: `x.${id}`, component: () => Promise.resolve(Empty), order, ...more })
const ids = (tabs: readonly UnitTab[]) => tabs.map((t) => t.id)
const anyone = () => true

describe('UnitTabRegistry', () => {
  it('lists the tabs by order whatever order they were registered in, ties by id', () => {
    const r = new UnitTabRegistry()
    r.register(tab('members', 20))
    r.register(tab('overview', 0))
    r.register(tab('teams', 10))
    r.register(tab('projects', 10))
    expect(ids(r.all())).toEqual(['overview', 'projects', 'teams', 'members'])
    expect(ids(r.visible('county', anyone))).toEqual(['overview', 'projects', 'teams', 'members'])
  })

  it('shows a tab only on the levels it names', () => {
    const r = new UnitTabRegistry()
    r.register(tab('overview', 0))
    r.register(tab('households', 10, { levels: ['county', 'township', 'village'] }))
    r.register(tab('groups', 20, { levels: ['village'] }))
    expect(ids(r.visible('province', anyone))).toEqual(['overview'])
    expect(ids(r.visible('county', anyone))).toEqual(['overview', 'households'])
    expect(ids(r.visible('village', anyone))).toEqual(['overview', 'households', 'groups'])
  })

  it('shows a tab only to a user who holds its permission', () => {
    const r = new UnitTabRegistry()
    r.register(tab('overview', 0))
    r.register(tab('organizations', 10, { permission: 'orgs.read' }))
    r.register(tab('members', 20, { permission: 'members.read' }))
    const asked: string[] = []
    const can = (p: string) => {
      asked.push(p)
      return p === 'orgs.read'
    }
    expect(ids(r.visible('county', can))).toEqual(['overview', 'organizations'])
    expect(asked.sort()).toEqual(['members.read', 'orgs.read'])
    expect(ids(r.visible('county', () => false))).toEqual(['overview'])
  })

  it('refuses a second tab with a taken id, and keeps the first', () => {
    const r = new UnitTabRegistry()
    const first = tab('members', 20)
    r.register(first)
    expect(() => r.register(tab('members', 5))).toThrow(/"members" is registered twice/)
    expect(r.all()).toEqual([first])
  })

  it('refuses an id that cannot go in the URL as it is, and an order that is not a number', () => {
    const r = new UnitTabRegistry()
    expect(() => r.register(tab('Work teams', 10))).toThrow(/lower-case word/)
    expect(() => r.register(tab('', 10))).toThrow(/lower-case word/)
    expect(() => r.register(tab('teams', Number.NaN))).toThrow(/finite order/)
    expect(r.all()).toEqual([])
  })

  it('collects the tabs of every registration module, single or several, and refuses duplicates across modules', () => {
    const r = registryOf({
      './tabs/b.ts': { default: [tab('b1', 30), tab('b2', 10)] },
      './tabs/a.ts': { default: tab('a', 20) },
    })
    expect(ids(r.all())).toEqual(['b2', 'a', 'b1'])
    expect(() => registryOf({ './tabs/a.ts': { default: tab('a', 1) }, './tabs/b.ts': { default: tab('a', 2) } })).toThrow(
      /registered twice/,
    )
  })
})

describe('the unit page tabs', () => {
  it('are the overview first, then organizations and members, then the domains to come', () => {
    expect(ids(unitTabs.all())).toEqual(['overview', 'organizations', 'members', 'households', 'projects', 'teams', 'training', 'reports'])
  })

  it('hide organizations and members from a user without orgs.read and members.read', () => {
    expect(ids(unitTabs.visible('village', (p) => p === 'members.read'))).toEqual([
      'overview',
      'members',
      'households',
      'projects',
      'teams',
      'training',
      'reports',
    ])
  })

  it('each have a label in both languages', () => {
    const lookup = (m: Messages, key: string) =>
      key.split('.').reduce<Messages | string | undefined>((o, k) => (o && typeof o === 'object' ? o[k] : undefined), m)
    for (const t of unitTabs.all()) {
      expect(typeof lookup(zhCN, t.labelKey), `${t.id}: ${t.labelKey}`).toBe('string')
      expect(typeof lookup(en, t.labelKey), `${t.id}: ${t.labelKey}`).toBe('string')
    }
  })
})
