// The English catalogue: every locales/en/*.json, in one chunk loaded when English is chosen.
import { mergeDomains, type Messages } from './catalogue'

export default mergeDomains(import.meta.glob<Messages>('./en/*.json', { eager: true, import: 'default' }))
