// zod building blocks for Mastodon parameters, which arrive as strings from forms and as
// typed values from JSON bodies.
import { z } from "zod";
import { toBool } from "./params.ts";

/** true/false, "1"/"0", "true"/"false", "on"; absent stays undefined. */
export const zBool = z.preprocess(
  (v) => (v === undefined || v === null || v === "" ? undefined : (toBool(v) ?? v)),
  z.boolean({ error: "must be true or false" }).optional(),
);

/** An ID string (digits); numbers from JSON are accepted too. */
export const zId = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : v),
  z.string().regex(/^\d{1,19}$/, "must be an ID"),
);

/** One string or a list of them (`ids[]=1&ids[]=2`, or `ids=1`). */
export const zStringList = z.preprocess(
  (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string()),
);

/** An integer from a string or a number. */
export const zInt = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
  z.number().int(),
);
