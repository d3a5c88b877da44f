// The organizations domain's tab: the tree of party organizations and their coverage.
import { defineUnitTab } from '../tabRegistry'

export default defineUnitTab({
  id: 'organizations',
  labelKey: 'orgs.tab',
  component: () => import('@/components/party/OrgTab.vue'),
  permission: 'orgs.read',
  order: 10,
})
