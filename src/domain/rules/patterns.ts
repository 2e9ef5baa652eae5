// Regular expressions in rules run on V8's linear-time engine (the `l` flag, enabled below),
// so no pattern can backtrack catastrophically and stall the server: the engine refuses, when
// the policy loads, anything it cannot run in linear time (backreferences, lookahead, the i and
// u flags). Rules match case-insensitively through `unicode.caseFold` instead of `i`.
// Nothing else uses the flag: it only makes the `l` flag available to `new RegExp`.
import { setFlagsFromString } from "node:v8";

setFlagsFromString("--enable-experimental-regexp-engine");

/** Counted repetitions above this are refused: the engine's automaton grows with the count. */
const MAX_REPEAT = 1000;

/** A linear-time RegExp, or throws an Error whose message says why the pattern is refused. */
export function compilePattern(source: string, flags = ""): RegExp {
  for (const m of source.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    if (Number(m[1]) > MAX_REPEAT || Number(m[2] || 0) > MAX_REPEAT)
      throw new Error(`a counted repetition above ${MAX_REPEAT} (${m[0]})`);
  }
  try {
    return new RegExp(source, `${flags}l`);
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes("linear time"))
      throw new Error(
        "it cannot run in linear time: backreferences and lookahead are not supported",
      );
    throw new Error(message.replace(/^Invalid regular expression: \/.*\/\w*: /s, ""));
  }
}
