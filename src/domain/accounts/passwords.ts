// Password hashing with Argon2id (memory-hard) from @node-rs/argon2, loaded on first use so
// processes that never check a password do not pay for it.
import { randomBytes } from "node:crypto";

type Argon2 = typeof import("@node-rs/argon2");
let argon2: Promise<Argon2> | undefined;
const load = () => {
  argon2 ??= import("@node-rs/argon2");
  return argon2;
};

export async function hashPassword(password: string): Promise<string> {
  const { hash } = await load();
  return hash(password, {
    algorithm: 2 /* Argon2id */,
    memoryCost: 19456,
    timeCost: 2,
    parallelism: 1,
  });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const { verify } = await load();
  try {
    return await verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * A strong random password for accounts made by an admin, drawn again in the rare case that it
 * happens to contain one of `personal` (the username, say), which `passwordProblem` refuses.
 */
export function generatePassword(
  personal: string[] = [],
  random: () => string = () => randomBytes(18).toString("base64url"),
): string {
  for (;;) {
    const password = random();
    if (passwordProblem(password, personal) === null) return password;
  }
}

const COMMON = new Set([
  "password",
  "password1",
  "password123",
  "12345678",
  "123456789",
  "1234567890",
  "qwertyuiop",
  "iloveyou",
  "11111111",
  "00000000",
  "abcdefgh",
  "abc12345",
  "qwerty123",
  "letmein1",
  "welcome1",
  "sunshine",
  "princess",
  "football",
  "baseball",
  "trustno1",
  "superman",
  "1q2w3e4r",
  "passw0rd",
  "mastodon",
  "kithkith",
]);

/** Returns why a password is too weak, or null. Mastodon's bounds (8 to 72) plus a few checks. */
export function passwordProblem(password: string, personal: string[] = []): string | null {
  if (password.length < 8) return "is too short (minimum is 8 characters)";
  if (Buffer.byteLength(password) > 72) return "is too long (maximum is 72 bytes)";
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return "is too common";
  if (new Set(lower).size < 4) return "has too few different characters";
  if (personal.some((p) => p.length >= 3 && lower.includes(p.toLowerCase()))) {
    return "must not contain your username or email";
  }
  return null;
}
