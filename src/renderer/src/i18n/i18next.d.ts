import 'i18next'
import type { zhCN } from './zh-CN'

// Types every t() key (and its interpolation values) against the Chinese text.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation'
    resources: { translation: typeof zhCN }
  }
}
