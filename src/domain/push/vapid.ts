// The server's VAPID key pair (RFC 8292), made once and kept in `settings` like the instance
// actor's keys: push services tie every subscription to the public key, so it must never
// change. Clients read the public key from the instance API (`configuration.vapid`) and the
// subscription entity (`server_key`).
import type { Config } from "../../config.ts";
import type { Context } from "../context.ts";
import { storedOnce } from "../stored-once.ts";

const SETTING = "vapid_keys";

export interface VapidKeys {
  /** uncompressed P-256 point, base64url */
  publicKey: string;
  /** base64url */
  privateKey: string;
}

/** The key pair, made the first time it is asked for. */
export function vapidKeys(ctx: Context): Promise<VapidKeys> {
  return storedOnce(ctx, SETTING, async () => {
    // web-push is loaded only here and by the sender, not with the instance API.
    const { default: webpush } = await import("web-push");
    return webpush.generateVAPIDKeys();
  });
}

/**
 * Who push services may contact about this server's pushes: the contact address, else the
 * instance's https URL. A development instance on plain http has neither, and push services
 * accept only those two forms, so it names a mailbox at its own domain.
 */
export function vapidSubject(config: Config): string {
  if (config.contactEmail) return `mailto:${config.contactEmail}`;
  if (config.origin.startsWith("https:")) return config.origin;
  return `mailto:admin@${config.domain}`;
}
