// The members domain's tab: the member list, the pipeline, transfers and cards.
import { defineUnitTab } from '../tabRegistry'

export default defineUnitTab({
  id: 'members',
  labelKey: 'members.tab',
  component: () => import('@/components/party/MembersTab.vue'),
  permission: 'members.read',
  order: 20,
})
