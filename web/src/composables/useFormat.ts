// The format helpers bound to the current UI language.
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import * as f from '@/utils/format'

export function useFormat() {
  const { locale } = useI18n()
  const lang = computed(() => (locale.value === 'en' ? 'en' : 'zh-CN') as f.FormatLocale)
  return {
    date: (v: Parameters<typeof f.formatDate>[0]) => f.formatDate(v, lang.value),
    dateTime: (v: Parameters<typeof f.formatDateTime>[0]) => f.formatDateTime(v, lang.value),
    relative: (v: Parameters<typeof f.formatRelative>[0]) => f.formatRelative(v, lang.value),
    number: (v: number | null | undefined) => f.formatNumber(v),
    compact: (v: number | null | undefined) => f.formatCompact(v, lang.value),
    money: (v: number | null | undefined, compact = false) => f.formatMoney(v, lang.value, { compact }),
    /** Integer fen -> ¥1,234.56 */
    fen: (v: number | null | undefined) => f.formatFen(v),
    /** 2026-11-23 (a calendar day from the API) -> 2026年11月23日 */
    day: (v: string | null | undefined) => f.formatDay(v, lang.value),
    month: (v: string | null | undefined) => f.formatMonth(v, lang.value),
    period: (v: string) => f.formatPeriod(v, lang.value),
  }
}
