import { words } from '../format.ts'

/** A status in words with a shape-and-colour cue (never colour alone). */
export function StatusBadge({ status }: { status: string }) {
  const tone =
    status === 'posted' || status === 'resolved' || status === 'active'
      ? 'good'
      : status === 'pending' || status === 'paid' || status === 'open'
        ? 'waiting'
        : status === 'posted_with_exceptions' || status === 'failed' || status === 'exception'
          ? 'bad'
          : 'neutral'
  return <span className={`badge badge-${tone}`}>{words(status)}</span>
}
