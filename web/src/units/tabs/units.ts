// The units domain's tab: the overview (the unit's figures and facts), first and the default.
import { defineUnitTab } from '../tabRegistry'

export default defineUnitTab({
  id: 'overview',
  labelKey: 'unitTabs.overview',
  component: () => import('@/components/UnitOverviewTab.vue'),
  order: 0,
})
