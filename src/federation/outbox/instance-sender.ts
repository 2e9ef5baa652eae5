// The sender that speaks for the server itself rather than for a user: the instance actor
// (instance-actor.ts). It signs the Flag that forwards a report, so the reporter stays
// anonymous, as Mastodon sends it from its instance actor. It is not an account, so it has no
// row id or Fedify identifier; deliver.ts signs with its keys directly. No Fedify here: plans
// are made without loading it.
import type { Context } from "../../domain/context.ts";
import { INSTANCE_ACTOR_PATH } from "../mount.ts";
import type { LocalSender } from "./audience.ts";

export function instanceSender(ctx: Context): LocalSender {
  return {
    id: "",
    username: "",
    uri: `${ctx.config.origin}${INSTANCE_ACTOR_PATH}`,
    instance: true,
  };
}
