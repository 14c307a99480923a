import { useTranslation } from 'react-i18next'
import type { FeeBeingPosted } from '../../../common/api.ts'
import { useFormat } from '../format/useFormat.ts'
import { FeeLabel } from './FeeLabel.tsx'

/**
 * Fees CashNet already took money for that Alma has not recorded yet: shown so the patron sees
 * them, never selectable (paying them again would charge the patron twice), never in a total.
 */
export function FeesBeingPosted({ fees }: { fees: readonly FeeBeingPosted[] }) {
  const { t } = useTranslation()
  const format = useFormat()
  if (fees.length === 0) return null
  return (
    <div className="being-posted" role="group" aria-labelledby="being-posted-title">
      <h2 id="being-posted-title" className="list-caption">
        {t('fines.beingPostedCaption')}
      </h2>
      <p className="hint">{t('fines.beingPostedLead')}</p>
      <ul>
        {fees.map((fee) => {
          const left = fee.balanceCents - fee.postingCents
          return (
            <li key={fee.id} className="fee-row being-posted-row">
              <ClockMark />
              <FeeLabel fee={fee} />
              <span className="fee-date">{format.date(fee.createdAt)}</span>
              <span className="being-posted-status">
                <span className="being-posted-amount">
                  {t('fines.beingPosted', { amount: format.money(fee.postingCents) })}
                </span>
                {left > 0 && (
                  <span className="being-posted-left">
                    {t('fines.leftAfterPosting', { amount: format.money(left) })}
                  </span>
                )}
              </span>
            </li>
          )
        })}
      </ul>
    </div>
  )
}

function ClockMark() {
  return (
    <svg className="row-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="10" />
      <path d="M12 7v5l3 2" />
    </svg>
  )
}
