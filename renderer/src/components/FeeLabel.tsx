import { useTranslation } from 'react-i18next'
import { useKiosk } from '../state/StoreContext.tsx'

/** A fee's description, with the item title only when the kiosk settings allow titles. */
export function FeeLabel({ description, title }: { description: string; title: string | null }) {
  const { t } = useTranslation()
  const showTitles = useKiosk((state) => state.settings?.showItemTitles ?? false)
  return (
    <span className="fee-label">
      <span className="fee-description">{description}</span>
      {showTitles && title && <span className="fee-title">{t('fines.itemTitle', { title })}</span>}
    </span>
  )
}
