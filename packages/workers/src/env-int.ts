/**
 * An integer setting from the environment: `fallback` when unset or blank; out of range or not a
 * whole number adds a line to `problems` (the caller throws one ConfigError naming them all).
 */
export function envInt(
  env: Record<string, string | undefined>,
  name: string,
  range: { fallback: number; min: number; max: number },
  problems: string[],
): number {
  const raw = env[name]?.trim()
  if (!raw) return range.fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < range.min || value > range.max) {
    problems.push(`${name}=${JSON.stringify(raw)} is invalid: expected an integer from ${range.min} to ${range.max}`)
    return range.fallback
  }
  return value
}
