// The unit page's tabs (单位主页的页签) as a registry: each domain describes its tab in its own file
// under units/tabs/ (units/tabs.ts collects them), and UnitView.vue renders the ones that fit the
// unit's level and the user's permissions, in order. A new domain adds one file and edits no
// shared one.
import type { Component } from 'vue'
import type { Unit, UnitLevel } from '@/api/types'

/**
 * What every tab component is given: the unit (`unit`) and whether the screen is a phone's
 * (`is-phone`). It may emit `unit-changed` with the unit after it changed it (the overview edits
 * the unit's facts), so the page's header follows.
 */
export interface UnitTabProps {
  unit: Unit
  isPhone: boolean
}

/** A component loader, as `() => import('./X.vue')` gives it: the tab's own chunk. */
export type LazyComponent = () => Promise<Component | { default: Component }>

export interface UnitTab {
  /** The tab's name in the URL (/units/:code?tab=<id>); unique. The first visible tab needs none. */
  id: string
  /** Its label's key in the domain's locale file (locales/<lang>/<domain>.json). */
  labelKey: string
  /** The component, loaded when the tab is first opened. */
  component: LazyComponent
  /** Extra props for the component beside `unit` and `is-phone` (e.g. ComingSoon's feature). */
  props?: Record<string, unknown>
  /** The unit levels it shows on; omitted: every level. */
  levels?: readonly UnitLevel[]
  /** The permission it needs (session.can); omitted: anyone who may open the unit's page. */
  permission?: string
  /** Its place among the tabs, smaller first (the overview is 0; leave gaps: 10, 20, ...). */
  order: number
}

/** Types a tab registration (a domain's file under units/tabs/ exports one or a list as default). */
export function defineUnitTab(tab: UnitTab): UnitTab {
  return tab
}

export class UnitTabRegistry {
  private readonly tabs: UnitTab[] = []

  /** Adds a tab. Throws when its id is taken or malformed: two tabs with one URL name cannot both be reached. */
  register(tab: UnitTab): void {
    if (!/^[a-z][a-zA-Z0-9-]*$/.test(tab.id)) throw new Error(`unit tab id "${tab.id}" must be a lower-case word (it goes in the URL)`)
    if (this.tabs.some((t) => t.id === tab.id)) throw new Error(`unit tab "${tab.id}" is registered twice`)
    if (!Number.isFinite(tab.order)) throw new Error(`unit tab "${tab.id}" needs a finite order`)
    this.tabs.push(tab)
    // By order, then by id, so that two domains choosing the same order still get a stable place.
    this.tabs.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** Every registered tab, in order. */
  all(): readonly UnitTab[] {
    return this.tabs
  }

  /** The tabs a unit of `level` shows to a user for whom `can(permission)` holds, in order. */
  visible(level: UnitLevel, can: (permission: string) => boolean): UnitTab[] {
    return this.tabs.filter((t) => (!t.levels || t.levels.includes(level)) && (!t.permission || can(t.permission)))
  }
}

/** A registration file's default export: one tab or several. */
export type TabModule = { default: UnitTab | readonly UnitTab[] }

/** A registry holding the tabs of the given modules (path -> module, as import.meta.glob gives them). */
export function registryOf(modules: Record<string, TabModule>): UnitTabRegistry {
  const registry = new UnitTabRegistry()
  for (const path of Object.keys(modules).sort()) {
    const d = modules[path].default
    for (const tab of Array.isArray(d) ? d : [d as UnitTab]) registry.register(tab)
  }
  return registry
}
