// Tabs of domains not built yet: each says what will be there (ComingSoon, texts in units.json's
// "coming"). A domain that arrives deletes its entry here and registers its own file.
import { defineUnitTab, type UnitTab } from '../tabRegistry'

const ComingSoon = () => import('@/components/ComingSoon.vue')

const coming = (id: string, order: number): UnitTab =>
  defineUnitTab({ id, labelKey: `unitTabs.${id}`, component: ComingSoon, props: { feature: id }, order })

export default [
  coming('households', 30),
  coming('projects', 40),
  coming('teams', 50),
  coming('training', 60),
  coming('reports', 70),
]
