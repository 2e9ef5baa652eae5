// What every inbox handler gets: Kith, the Fedify context of the delivery, and the safe
// loaders for remote documents; and what every handler gives back: an outcome with its reason,
// for the log and for tests. (Answers such as Accept go out through domain events, not here.)
import type { Context as FedifyContext } from "@fedify/fedify";
import type { Activity, Object as APObject } from "@fedify/vocab";
import type { AccountRow } from "../../domain/accounts/queries.ts";
import type { Context as KithContext } from "../../domain/context.ts";
import { rawObjectOf, rememberRawJson } from "../convert/raw-json.ts";
import type { RemoteEnv } from "../remote/documents.ts";

export interface InboxEnv extends RemoteEnv {
  fctx: FedifyContext<KithContext>;
  /** The Group that announced this activity to us, when it came inside an Announce. */
  relayedBy?: AccountRow;
}

export type OutcomeResult = "stored" | "ignored" | "refused";

export interface Outcome {
  result: OutcomeResult;
  reason: string;
}

export interface ReportedOutcome extends Outcome {
  type: string;
  id: string | null;
  actor: string | null;
}

export const stored = (reason: string): Outcome => ({ result: "stored", reason });
export const ignored = (reason: string): Outcome => ({ result: "ignored", reason });

/**
 * The object embedded in an activity, without fetching anything: null when only an id is
 * given. Callers decide whether to trust it (same host as the actor) or fetch it instead.
 */
export async function embeddedObject(env: InboxEnv, activity: Activity): Promise<APObject | null> {
  try {
    const object = await activity.getObject({
      documentLoader: async (url) => {
        throw new Error(`not fetched: ${url}`);
      },
      contextLoader: env.contextLoader,
      crossOrigin: "trust",
      suppressError: true,
    });
    if (object) rememberRawJson(object, rawObjectOf(activity));
    return object;
  } catch {
    return null;
  }
}
