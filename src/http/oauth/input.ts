// Reading the loosely typed parameters of the OAuth and sign-up endpoints: a value must be a
// string (a number is taken as its decimal form); anything else is the caller's mistake.
import type { Params } from "../params.ts";

export const WRONG_TYPE = Symbol("wrong type");

/** The string at `key`, undefined when absent or empty-null, WRONG_TYPE for arrays or objects. */
export function stringParam(params: Params, key: string): string | undefined | typeof WRONG_TYPE {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return WRONG_TYPE;
}
