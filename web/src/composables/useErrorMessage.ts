// Shows an error that belongs to no form field as an Element Plus message.
import { ElMessage } from 'element-plus'
import { isApiError } from '@/api/client'
import { i18n } from '@/i18n'

export function showError(error: unknown): void {
  if (isApiError(error)) {
    // 401 is handled globally (back to the login page); nothing to show here.
    if (error.status === 401) return
    ElMessage({ type: 'error', message: error.message, showClose: true, grouping: true })
    return
  }
  if ((error as Error)?.name === 'AbortError') return
  console.warn(error)
  ElMessage({ type: 'error', message: i18n.global.t('common.unexpectedError'), showClose: true, grouping: true })
}
