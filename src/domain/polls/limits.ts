// What a new poll may be, as Mastodon 4.5's PollValidator says (and the instance entity's
// configuration.polls tells clients): 2 to 4 distinct options of at most 50 characters each,
// ending between five minutes and a month from now. Messages are Mastodon's own.
import { validation } from "../errors.ts";

export const POLL_LIMITS = {
  max_options: 4,
  max_characters_per_option: 50,
  min_expiration: 300,
  max_expiration: 2_629_746,
} as const;

/** A poll as a client asks for it. */
export interface PollRequest {
  options: readonly string[];
  /** seconds from now */
  expiresIn: number | string | null | undefined;
  multiple?: boolean;
  hideTotals?: boolean;
}

/** A checked poll, ready to store. */
export interface PollInput {
  options: string[];
  expiresAt: string;
  multiple: boolean;
  hideTotals: boolean;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const graphemeLength = (s: string) => [...graphemes.segment(s)].length;

/** Checks a requested poll; throws Mastodon's 422 for the first rule it breaks. */
export function checkPollRequest(request: PollRequest, now = new Date()): PollInput {
  // Mastodon strips the options and drops blank ones before validating (Poll#prepare_options).
  const options = request.options.map((o) => String(o).trim()).filter((o) => o !== "");
  const fail = (field: string, message: string) =>
    validation(`Validation failed: Poll ${field} ${message}`);
  if (options.length < 2) throw fail("options", "must have more than one item");
  if (options.length > POLL_LIMITS.max_options)
    throw fail("options", `can't contain more than ${POLL_LIMITS.max_options} items`);
  if (options.some((o) => graphemeLength(o) > POLL_LIMITS.max_characters_per_option))
    throw fail(
      "options",
      `cannot be longer than ${POLL_LIMITS.max_characters_per_option} characters each`,
    );
  if (options.some((o) => o.includes("\u0000"))) throw fail("options", "contain a NUL character");
  if (new Set(options).size !== options.length) throw fail("options", "contain duplicate items");
  // Rails' `expires_in.to_i`: anything that is not a number is 0 seconds, hence too soon.
  const seconds = Number.parseInt(String(request.expiresIn ?? ""), 10);
  const expiresIn = Number.isFinite(seconds) ? seconds : 0;
  if (expiresIn > POLL_LIMITS.max_expiration)
    throw fail("expires at", "is too far into the future");
  if (expiresIn < POLL_LIMITS.min_expiration) throw fail("expires at", "is too soon");
  return {
    options,
    expiresAt: new Date(now.getTime() + expiresIn * 1000).toISOString(),
    multiple: request.multiple === true,
    hideTotals: request.hideTotals === true,
  };
}
