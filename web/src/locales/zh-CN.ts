// The Chinese catalogue: every locales/zh-CN/*.json, shipped in the entry chunk.
import { mergeDomains, type Messages } from './catalogue'

export default mergeDomains(import.meta.glob<Messages>('./zh-CN/*.json', { eager: true, import: 'default' }))
