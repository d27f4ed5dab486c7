// Numeric flags: a clear usage error (exit 2) instead of NaN reaching the server.
import { UsageError } from "../exit-codes.ts";

/** The flag's value as a positive integer, or `fallback` when the flag is absent. */
export function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${flag} must be a positive integer`);
  return number;
}
