/**
Facts about the Dexcom Share service. Names prefixed `DEXCOM_` are values Dexcom chose;
the others are glucoshare's own choices.
@module
*/

/** The regions a Share account can live in. */
export const REGIONS = ['us', 'ous', 'jp'] as const

/** A Share region: `us` (United States), `ous` (outside the US), `jp` (Japan and Singapore). */
export type Region = (typeof REGIONS)[number]

/** Path prefix under which every Share operation lives. */
export const DEXCOM_SERVICES_PATH = '/ShareWebServices/Services'

/** Base URL of each region's Share service, up to and including `/Services`. */
export const DEXCOM_BASE_URLS: Readonly<Record<Region, string>> = {
  us: `https://share2.dexcom.com${DEXCOM_SERVICES_PATH}`,
  ous: `https://shareous1.dexcom.com${DEXCOM_SERVICES_PATH}`,
  jp: `https://share.dexcom.jp${DEXCOM_SERVICES_PATH}`,
}

/** Application ID of the Share iOS app, accepted by the US and outside-US hosts. */
export const DEXCOM_APPLICATION_ID = 'd89443d2-327c-4a6f-89e5-496bbb0317db'

/** Application ID required by the Japanese host; the US and outside-US hosts accept it too. */
export const DEXCOM_APPLICATION_ID_JP = 'd8665ade-9673-4e27-9ff6-92db4ce13d13'

/** The application ID each region's clients send. */
export const DEXCOM_APPLICATION_IDS: Readonly<Record<Region, string>> = {
  us: DEXCOM_APPLICATION_ID,
  ous: DEXCOM_APPLICATION_ID,
  jp: DEXCOM_APPLICATION_ID_JP,
}

/** Every application ID seen working against Share. */
export const DEXCOM_KNOWN_APPLICATION_IDS: readonly string[] = [
  DEXCOM_APPLICATION_ID,
  DEXCOM_APPLICATION_ID_JP,
]

/**
The all-zeros UUID. Share has returned it with HTTP 200 as a failed-login answer (2020-2021),
so it is never a valid account or session id.
*/
export const DEXCOM_DEFAULT_UUID = '00000000-0000-0000-0000-000000000000'

/** Largest `minutes` window Share serves: 24 hours. */
export const MAX_MINUTES = 1440

/** Largest `maxCount` Share serves: one reading every 5 minutes for 24 hours. */
export const MAX_MAX_COUNT = 288

/** Lowest glucose value Share reports; the value 39 means "below range" (LOW). */
export const DEXCOM_GLUCOSE_LOW = 39

/** Highest glucose value Share reports; the value 401 means "above range" (HIGH). */
export const DEXCOM_GLUCOSE_HIGH = 401

/** Minutes between two CGM readings. */
export const READING_INTERVAL_MINUTES = 5
