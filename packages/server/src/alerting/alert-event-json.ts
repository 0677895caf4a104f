/**
An object with its keys in Share's PascalCase (`firedAt` → `FiredAt`), for the extension
endpoints that answer the engine's camelCase records.
*/
export function pascalCaseKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key.charAt(0).toUpperCase() + key.slice(1), item]),
  )
}
