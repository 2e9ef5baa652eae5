// The hourly sign-up upkeep job: the switch to approval when moderators are away
// (registration-auto-approval.ts), and dropping expired IP blocks and old refused attempts.
import type { Context } from "../context.ts";
import { pruneEmailDomainBlockAttempts } from "../moderation/email-domain-blocks.ts";
import { pruneExpiredIpBlocks } from "../moderation/ip-blocks.ts";
import { checkModeratorActivity } from "./registration-auto-approval.ts";

export const REGISTRATION_UPKEEP_QUEUE = "registration-upkeep";

export async function registrationUpkeep(ctx: Context): Promise<void> {
  await checkModeratorActivity(ctx);
  await pruneExpiredIpBlocks(ctx);
  await pruneEmailDomainBlockAttempts(ctx);
}
