/**
 * Patron-facing names of Alma's fine/fee types, in every kiosk language, by type code. Alma sends a
 * fee's type as a code (`fee.type.value`, e.g. OVERDUEFINE) with a description in the
 * institution's own language (`fee.type.desc`); a patron paying in Spanish should not read
 * "Overdue fine". Used by the kiosk (fines, confirm, receipt) and, later, the pay page and emails.
 *
 * Sources of the codes:
 * - Ex Libris, Alma REST API data dictionary, `rest_fee.xsd`: a fee's `type` takes the values of
 *   the code table `HFrUserFinesFees.fineFeeType` (https://developers.exlibrisgroup.com/alma/apis/docs/xsd/rest_fee.xsd/).
 *   The table's rows are fixed by Ex Libris; institutions only enable them and may have up to ten
 *   extra types with their own descriptions (Alma Online Help, "Patron Charges Configuration").
 * - The codes themselves as public Alma clients map them: NatLibFi/NDL-VuFind2 (Finna's Alma ILS
 *   driver, `module/Finna/src/Finna/ILS/Driver/Alma.php`, `$feeTypeMappings`) lists CARDRENEWAL,
 *   DAMAGEDITEMFINE, FINEFEENOTIFICATIONFEE, ISSUELIBRARYCARD, LIBRARYCARDREPLACEMENT, LOCKERKEY,
 *   LOSTITEMPROCESSFEE, LOSTITEMREPLACEMENTFEE, NOTIFICATIONFEE, OTHER, OVERDUEFINE,
 *   OVERDUENOTIFICATIONFINE, RECALLEDOVERDUEFINE and SERVICEFEE; DOCUMENTDELIVERYSERVICE is the
 *   type Alma gives resource-sharing document delivery charges.
 * CREDIT (a credit on the account, never something to pay) is left out on purpose.
 */
import type { FeeTypeNames, Language } from './api.ts'

type Names = Readonly<Record<Language, string>>

export const almaFeeTypeNames: Readonly<Record<string, Names>> = {
  OVERDUEFINE: { en: 'Overdue fine', es: 'Multa por retraso' },
  RECALLEDOVERDUEFINE: {
    en: 'Overdue fine (recalled item)',
    es: 'Multa por retraso (material reclamado)',
  },
  OVERDUENOTIFICATIONFINE: { en: 'Overdue notice fine', es: 'Multa por aviso de retraso' },
  NOTIFICATIONFEE: { en: 'Notice fee', es: 'Cargo por aviso' },
  FINEFEENOTIFICATIONFEE: { en: 'Fine notice fee', es: 'Cargo por aviso de multa' },
  LOSTITEMREPLACEMENTFEE: {
    en: 'Lost item replacement fee',
    es: 'Cargo por reposición de material perdido',
  },
  LOSTITEMPROCESSFEE: {
    en: 'Lost item processing fee',
    es: 'Cargo por trámite de material perdido',
  },
  DAMAGEDITEMFINE: { en: 'Damaged item fine', es: 'Multa por material dañado' },
  CARDRENEWAL: { en: 'Library card renewal', es: 'Renovación de la credencial' },
  ISSUELIBRARYCARD: { en: 'New library card', es: 'Emisión de la credencial' },
  LIBRARYCARDREPLACEMENT: { en: 'Replacement library card', es: 'Reposición de la credencial' },
  LOCKERKEY: { en: 'Locker key', es: 'Llave de casillero' },
  SERVICEFEE: { en: 'Service fee', es: 'Cargo por servicio' },
  DOCUMENTDELIVERYSERVICE: { en: 'Document delivery', es: 'Entrega de documentos' },
  OTHER: { en: 'Other library fee', es: 'Otro cargo de la biblioteca' },
}

/**
 * The name to show for a fee's type: the institution's own name for the code in that language
 * (`overrides`, from the kiosk settings) first, then the standard name, then Alma's description
 * (a code this table does not know, such as one of an institution's extra types).
 */
export function feeTypeName(
  fee: { readonly type: string; readonly description: string },
  language: Language,
  overrides: FeeTypeNames = {},
): string {
  // Own properties only: a code such as "constructor" must not find Object.prototype's.
  const override = Object.hasOwn(overrides, fee.type) ? overrides[fee.type]?.[language] : undefined
  if (override) return override
  if (Object.hasOwn(almaFeeTypeNames, fee.type)) {
    const standard = almaFeeTypeNames[fee.type]?.[language]
    if (standard) return standard
  }
  return fee.description
}
