// A small world for the notifications tests: alice hears from bob and carol through the API.
import assert from "node:assert/strict";
import type { Context } from "../../src/domain/context.ts";
import { api, createUser, type TestUser } from "../helpers/users.ts";
import { followOk } from "./accounts-fixtures.ts";

export async function postStatus(url: string, user: TestUser, body: Record<string, unknown>) {
  const res = await api(url, "POST", "/api/v1/statuses", { token: user.token, body });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json as { id: string };
}

/** Oldest first: bob and carol follow alice, bob mentions her, both favourite her post, bob reblogs it. */
export async function notificationScene(url: string, ctx: Context) {
  const alice = await createUser(ctx);
  const bob = await createUser(ctx);
  const carol = await createUser(ctx);
  await followOk(url, bob, alice);
  await followOk(url, carol, alice);
  const mention = await postStatus(url, bob, { status: `hey @${alice.username}` });
  const own = await postStatus(url, alice, { status: "my post" });
  for (const u of [bob, carol]) {
    const res = await api(url, "POST", `/api/v1/statuses/${own.id}/favourite`, { token: u.token });
    assert.equal(res.status, 200);
  }
  const reblog = await api(url, "POST", `/api/v1/statuses/${own.id}/reblog`, { token: bob.token });
  assert.equal(reblog.status, 200);
  return { alice, bob, carol, mention, own, reblog: reblog.json as { id: string } };
}

export const types = (res: { json: { type: string }[] }) => res.json.map((n) => n.type);
