// Organizations seen so far, by id: transfers and dues name organizations by id only, and the
// pages show their names. Also builds the organization tree of a unit from the flat list.
import { defineStore } from 'pinia'
import { reactive } from 'vue'
import { getOrg, listOrgs, type Organization } from '@/api/orgs'

export interface OrgNode extends Organization {
  children?: OrgNode[]
}

/**
 * Nests organizations under their parents. An organization whose parent is not in the list
 * (e.g. the county committee above a township's list) is a root. Active before ended, then by
 * kind (committees first) and name.
 */
export function buildOrgTree(orgs: Organization[]): OrgNode[] {
  const KIND_ORDER = ['committee', 'general_branch', 'branch', 'joint_branch', 'temporary_branch']
  const nodes = new Map<number, OrgNode>(orgs.map((o) => [o.id, { ...o }]))
  const roots: OrgNode[] = []
  for (const node of nodes.values()) {
    const parent = node.parent_id !== null ? nodes.get(node.parent_id) : undefined
    if (parent && parent !== node) (parent.children ??= []).push(node)
    else roots.push(node)
  }
  const order = (a: OrgNode, b: OrgNode) =>
    Number(a.status !== 'active') - Number(b.status !== 'active') ||
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
    a.unit_code.localeCompare(b.unit_code) ||
    a.name.localeCompare(b.name, 'zh-CN')
  const sort = (list: OrgNode[]) => {
    list.sort(order)
    for (const n of list) if (n.children) sort(n.children)
  }
  sort(roots)
  return roots
}

export const useOrgStore = defineStore('orgs', () => {
  const byId = reactive(new Map<number, Organization>())
  const pending = new Map<number, Promise<Organization | null>>()

  function remember(list: Organization[]) {
    for (const o of list) byId.set(o.id, o)
  }

  /** Every organization under a unit (ended ones too, up to 200), remembered by id. */
  async function loadUnder(code: string, includeEnded = true): Promise<Organization[]> {
    const res = await listOrgs({ under: code, include_ended: includeEnded, limit: 200 })
    remember(res.items)
    return res.items
  }

  /** One organization, fetched once; null when it cannot be read (out of scope, gone). */
  function ensure(id: number): Promise<Organization | null> {
    const known = byId.get(id)
    if (known) return Promise.resolve(known)
    let p = pending.get(id)
    if (!p) {
      p = getOrg(id)
        .then((r) => {
          byId.set(r.org.id, r.org)
          return r.org
        })
        .catch(() => null)
      pending.set(id, p)
    }
    return p
  }

  /** The name when known, else "#id". */
  function name(id: number | null | undefined): string {
    if (id === null || id === undefined) return ''
    return byId.get(id)?.name ?? `#${id}`
  }

  return { byId, remember, loadUnder, ensure, name }
})
