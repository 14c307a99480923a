/**
 * The performance mark the kiosk renderer sets in the task after the first frame that shows its
 * attract screen: the moment the bench (`bench/renderer`) and the end-to-end tests read as "the
 * attract screen has painted". Set once per page load, by the first-paint script
 * (`renderer/src/startup/firstPaint.ts`) or, where there is none, by the attract screen itself.
 */
export const attractPaintedMark = 'kiosk:attract-painted'
