// Canonical e-mail blocks (Mastodon's CanonicalEmailBlock): one address may not sign up again,
// however it is spelled. Only the SHA-256 of the canonical form is kept: lower case, and in the
// local part no dots and nothing from the first "+" (so J.Doe+x@Mail.example is jdoe@mail.example).
// Every change is recorded in the audit log in its own transaction.
import { createHash } from "node:crypto";
import { isId, newId } from "../../db/ids.ts";
import { type Context, inTransaction } from "../context.ts";
import { notFound, validation } from "../errors.ts";
import { applyPage, finishPage, type Page } from "../pagination.ts";
import { recordAudit } from "./audit.ts";

export interface CanonicalEmailBlock {
  id: string;
  canonicalEmailHash: string;
}

const HASH = /^[0-9a-f]{64}$/;

export function canonicalEmail(email: string): string {
  const [local = "", domain = ""] = email.trim().toLowerCase().split(/@(.*)/s);
  return `${local.replaceAll(".", "").split("+")[0]}@${domain}`;
}

export const canonicalEmailHash = (email: string) =>
  createHash("sha256").update(canonicalEmail(email)).digest("hex");

const toBlock = (r: { id: string; canonical_email_hash: string }): CanonicalEmailBlock => ({
  id: r.id,
  canonicalEmailHash: r.canonical_email_hash,
});

export async function listCanonicalEmailBlocks(
  ctx: Context,
  page: Page,
): Promise<CanonicalEmailBlock[]> {
  const q = ctx.db.kysely.selectFrom("canonical_email_blocks").selectAll();
  return finishPage(await applyPage(q, "id", page).execute(), page).map(toBlock);
}

export async function getCanonicalEmailBlock(
  ctx: Context,
  id: string,
): Promise<CanonicalEmailBlock> {
  if (!isId(id)) throw notFound();
  const row = await ctx.db.kysely
    .selectFrom("canonical_email_blocks")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return toBlock(row);
}

/** The blocks an address falls under (none or one). */
export async function matchingCanonicalEmailBlocks(
  ctx: Context,
  email: string,
): Promise<CanonicalEmailBlock[]> {
  const rows = await ctx.db.kysely
    .selectFrom("canonical_email_blocks")
    .selectAll()
    .where("canonical_email_hash", "=", canonicalEmailHash(email))
    .execute();
  return rows.map(toBlock);
}

/** Blocks an address (`email`) or a hash someone else computed (`hash`). */
export async function createCanonicalEmailBlock(
  ctx: Context,
  actorId: string | null,
  input: { email?: string | undefined; hash?: string | undefined },
): Promise<CanonicalEmailBlock> {
  let hash: string;
  if (input.email?.trim()) {
    if (!input.email.includes("@"))
      throw validation("Validation failed: Email is not an e-mail address");
    hash = canonicalEmailHash(input.email);
  } else if (input.hash?.trim()) {
    hash = input.hash.trim().toLowerCase();
    if (!HASH.test(hash))
      throw validation("Validation failed: Canonical email hash is not a SHA-256 hex digest");
  } else {
    throw validation("Validation failed: Canonical email hash can't be blank");
  }
  const row = { id: newId(), canonical_email_hash: hash, created_at: new Date().toISOString() };
  await inTransaction(ctx, async (tctx) => {
    const inserted = await tctx.db.kysely
      .insertInto("canonical_email_blocks")
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted)
      throw validation("Validation failed: Canonical email hash has already been taken");
    await recordAudit(tctx, {
      accountId: actorId,
      action: "canonical_email_block.create",
      targetType: "canonical_email_block",
      targetId: row.id,
      targetLabel: hash,
    });
  });
  return toBlock(row);
}

export async function removeCanonicalEmailBlock(
  ctx: Context,
  actorId: string | null,
  id: string,
): Promise<void> {
  const block = await getCanonicalEmailBlock(ctx, id);
  await inTransaction(ctx, async (tctx) => {
    await tctx.db.kysely.deleteFrom("canonical_email_blocks").where("id", "=", id).execute();
    await recordAudit(tctx, {
      accountId: actorId,
      action: "canonical_email_block.destroy",
      targetType: "canonical_email_block",
      targetId: id,
      targetLabel: block.canonicalEmailHash,
    });
  });
}
