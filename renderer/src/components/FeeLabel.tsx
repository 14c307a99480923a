import { useTranslation } from 'react-i18next'
import { useFormat } from '../format/useFormat.ts'
import { useDisplayPrefs } from '../format/DisplayContext.tsx'

export interface FeeLabelFee {
  /** Alma's type code; '' when unknown (the description is shown). */
  type: string
  description: string
  title: string | null
}

/**
 * A fee's type in the patron's language (`common/feeTypes.ts`), with the item title only when the
 * settings allow titles.
 */
export function FeeLabel({ fee }: { fee: FeeLabelFee }) {
  const { t } = useTranslation()
  const format = useFormat()
  const showTitles = useDisplayPrefs().showItemTitles
  return (
    <span className="fee-label">
      <span className="fee-description">{format.feeName(fee)}</span>
      {showTitles && fee.title && (
        <span className="fee-title">{t('fines.itemTitle', { title: fee.title })}</span>
      )}
    </span>
  )
}
