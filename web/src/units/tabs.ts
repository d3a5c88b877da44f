// The unit page's registered tabs: every units/tabs/*.ts (one file per domain), each exporting
// its tab (defineUnitTab) as default. The files are tiny; the components they name load lazily.
import { registryOf, type TabModule } from './tabRegistry'

export const unitTabs = registryOf(import.meta.glob<TabModule>('./tabs/*.ts', { eager: true }))
