// Phone vs desktop layout: below 768 px the side menu becomes a drawer and tables drop
// secondary columns.
import { onBeforeUnmount, onMounted, ref } from 'vue'

export const PHONE_MAX_WIDTH = 767

const isPhone = ref(typeof window !== 'undefined' ? window.innerWidth <= PHONE_MAX_WIDTH : false)
let listeners = 0
function update() {
  isPhone.value = window.innerWidth <= PHONE_MAX_WIDTH
}

export function useBreakpoint() {
  onMounted(() => {
    if (listeners++ === 0) window.addEventListener('resize', update, { passive: true })
    update()
  })
  onBeforeUnmount(() => {
    if (--listeners === 0) window.removeEventListener('resize', update)
  })
  return { isPhone }
}
