/**
mg/dL to mmol/L. Share always speaks mg/dL; clients disagree on the factor (spec 4.4), and the
disagreement shows after rounding to one decimal, as apps display it (users 2.11).
@module
*/

/**
mg/dL per mmol/L of the default conversion: 1 / 0.0555, as xDrip+ has long used. Public evidence on
the Dexcom app's own factor points to about 18.02 (Loop comparisons); no source confirms it exactly.
*/
export const MG_DL_PER_MMOL_L = 18.0182

/** pydexcom's factor, in mmol/L per mg/dL (`MMOL_L_CONVERSION_FACTOR`). */
export const PYDEXCOM_MMOL_L_PER_MG_DL = 0.0555

/** Nightscout's factor since 2021 (glucose's molar mass, 180.1559 g/mol), in mg/dL per mmol/L. */
export const NIGHTSCOUT_MG_DL_PER_MMOL_L = 18.01559

/**
The conversions on offer:
- `dexcom`: ÷ {@link MG_DL_PER_MMOL_L} (18.0182), the default;
- `pydexcom`: × {@link PYDEXCOM_MMOL_L_PER_MG_DL} (0.0555), as pydexcom and Home Assistant show;
- `nightscout`: ÷ {@link NIGHTSCOUT_MG_DL_PER_MMOL_L} (18.01559), as Nightscout shows.

Each result is rounded to one decimal. Over Share's range (39-401) `dexcom` and `pydexcom` give
the same numbers; `nightscout` is 0.1 higher at 100, 109, 300, 309, 318, 327, 336 and 345 mg/dL.
*/
export const MMOL_CONVERSIONS = ['dexcom', 'pydexcom', 'nightscout'] as const

/** One of {@link MMOL_CONVERSIONS}. */
export type MmolConversion = (typeof MMOL_CONVERSIONS)[number]

/**
Converts mg/dL to mmol/L rounded to one decimal.
@example toMmolL(100) // 5.5
@example toMmolL(100, 'nightscout') // 5.6
*/
export function toMmolL(mgDl: number, conversion: MmolConversion = 'dexcom'): number {
  const exact =
    conversion === 'pydexcom'
      ? mgDl * PYDEXCOM_MMOL_L_PER_MG_DL
      : mgDl / (conversion === 'nightscout' ? NIGHTSCOUT_MG_DL_PER_MMOL_L : MG_DL_PER_MMOL_L)
  // toFixed rounds the exact binary value, as Python's round() does; Math.round(x * 10) / 10 would
  // round the product of a second rounding.
  return Number(exact.toFixed(1))
}
