// The active members of one organization, for the forms that pick people from it (officers,
// attendance, task teams, split). Up to 200, the server's page limit: a branch has fewer.
import { ref } from 'vue'
import { listMembers, type Member } from '@/api/members'
import { showError } from './useErrorMessage'

export function useOrgMembers() {
  const members = ref<Member[]>([])
  const loading = ref(false)
  let loadedFor = 0

  async function load(orgId: number, force = false): Promise<Member[]> {
    if (!force && loadedFor === orgId) return members.value
    loading.value = true
    try {
      members.value = (await listMembers({ org_id: orgId, status: 'active', limit: 200 })).items
      loadedFor = orgId
    } catch (e) {
      members.value = []
      showError(e)
    } finally {
      loading.value = false
    }
    return members.value
  }
  return { members, loading, load }
}
