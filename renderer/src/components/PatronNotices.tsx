import { useTranslation } from 'react-i18next'
import type { PatronNotice } from '../../../common/api.ts'
import { useFormat } from '../format/useFormat.ts'

/**
 * What the patron should know about their account before paying: a block (paying clears fines,
 * not other blocks) and an expired account (they can still pay). Blocked and expired patrons pay
 * like everyone else; these only say what paying does not fix.
 */
export function PatronNotices({ notices }: { notices: readonly PatronNotice[] }) {
  const { t } = useTranslation()
  const format = useFormat()
  const reasons = notices.flatMap((notice) =>
    notice.kind === 'blocked' && notice.description ? [notice.description] : [],
  )
  const blocked = notices.some((notice) => notice.kind === 'blocked')
  const expired = notices.find((notice) => notice.kind === 'expired')
  if (!blocked && !expired) return null
  return (
    <ul className="notices" aria-label={t('notices.label')}>
      {blocked && (
        <li className="notice">
          <NoticeMark />
          <span className="notice-text">
            <span>{t('notices.blocked')}</span>
            {reasons.map((reason) => (
              <span key={reason} className="notice-detail">
                {t('notices.blockedReason', { reason })}
              </span>
            ))}
          </span>
        </li>
      )}
      {expired && (
        <li className="notice">
          <NoticeMark />
          <span className="notice-text">
            {t('notices.expired', { date: format.calendarDate(expired.expiredOn) })}
          </span>
        </li>
      )}
    </ul>
  )
}

function NoticeMark() {
  return (
    <svg className="notice-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="11" />
      <path d="M12 6.5v7m0 3.5v.5" />
    </svg>
  )
}
