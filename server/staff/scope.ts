/**
 * Which institutions' data a request may see: the staff member's own, narrowed to one when the
 * request names it. Naming another institution is answered as if it did not exist.
 */
import { StaffRequestError } from './errors.ts'

export function institutionsInScope(
  own: readonly string[],
  requested: string | undefined,
): string[] {
  if (requested === undefined) return [...own]
  if (!own.includes(requested)) throw new StaffRequestError('not_found', 'No such institution.')
  return [requested]
}
