import type { en } from '../../../renderer/src/i18n/en.ts'

// The pay pages share the kiosk's strings (renderer/src/i18n): the same typed keys here.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation'
    resources: { translation: typeof en }
  }
}
