// POSTs to an inbox, before Fedify: refuses at once what precheck.ts can tell is never
// acceptable (403/400, nothing queued) and activities from servers the federation policy
// refuses (403), and takes the deliveries Fedify would refuse to parse
// (no @context, as older Lemmy sends; `"id": null` in a tag) down a path of its own: the
// signature is verified the same way (and its key must belong to the actor), the JSON is
// repaired, and the activity is handled at once. Deliveries to the shared inbox and to local
// accounts' inboxes are verified and processed within the request when they can be
// (direct.ts). Everything else goes to Fedify.
import { doesActorOwnKey, type Federation, verifyRequestDetailed } from "@fedify/fedify";
import { Activity } from "@fedify/vocab";
import type { Context as KithContext } from "../../domain/context.ts";
import { isSuspendedUrl } from "../../domain/moderation/domain-policy.ts";
import { kithFederation } from "../federation.ts";
import { tolerantContextLoader } from "../remote/contexts.ts";
import { repairJson } from "../remote/documents.ts";
import { handleDirectly, takesDirectly } from "./direct.ts";
import { processActivity } from "./dispatch.ts";
import { inboxEnv, inboxOptionsOf, report } from "./index.ts";
import { actorOf, needsRepair, precheckDelivery } from "./precheck.ts";

const json = (status: number, body: unknown) => Response.json(body, { status });
const utf8 = new TextDecoder();

export async function handleInboxPost(
  kith: KithContext,
  received: Request,
  federation: Federation<KithContext> = kithFederation(kith),
): Promise<Response> {
  let body: unknown;
  let bytes: ArrayBuffer;
  try {
    bytes = await received.arrayBuffer();
    body = JSON.parse(utf8.decode(bytes));
  } catch {
    return json(400, { error: "Invalid JSON" });
  }
  // The body is read once; the checks below get a request holding it (cheaper than a clone).
  const request = new Request(received.url, {
    method: received.method,
    headers: received.headers,
    body: bytes,
  });
  const refused = precheckDelivery(body);
  if (refused) return json(refused.status, { error: refused.error });
  // A server this one does not federate with is refused before anything is fetched or stored.
  if (await isSuspendedUrl(kith, actorOf(body)))
    return json(403, { error: "The actor's server is blocked here" });
  if (needsRepair(body as Record<string, unknown>))
    return handleRepaired(kith, request, body, federation);
  if (await takesDirectly(kith, new URL(request.url).pathname)) {
    const answer = await handleDirectly(kith, request, body as Record<string, unknown>, federation);
    if (answer) return answer;
  }
  try {
    return await federation.fetch(request.clone(), {
      contextData: kith,
      onNotFound: () => json(404, { error: "Record not found" }),
      onNotAcceptable: () => json(406, { error: "Not acceptable" }),
    });
  } catch (error) {
    // Fedify could not parse it (e.g. a malformed key embedded in an Update of an actor,
    // mastodon/update-person.json): the repaired path still checks the signature.
    if (!isParseError(error)) throw error;
    return handleRepaired(kith, request, body, federation);
  }
}

function isParseError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof SyntaxError ||
    (error instanceof Error && error.name === "jsonld.SyntaxError")
  );
}

async function handleRepaired(
  kith: KithContext,
  request: Request,
  body: unknown,
  federation: Federation<KithContext>,
): Promise<Response> {
  const options = inboxOptionsOf(federation);
  const fctx = federation.createContext(request, kith);
  const contextLoader = tolerantContextLoader(fctx.contextLoader);
  let activity: Activity;
  try {
    activity = await Activity.fromJsonLd(repairJson(body), {
      documentLoader: fctx.documentLoader,
      contextLoader,
    });
  } catch {
    return json(400, { error: "Invalid activity" });
  }
  if (!options.skipSignatureVerification) {
    const verified = await verifyRequestDetailed(request, {
      documentLoader: fctx.documentLoader,
      contextLoader,
    });
    if (!verified.verified) return json(401, { error: "The signature could not be verified" });
    const owned = await doesActorOwnKey(activity, verified.key, {
      documentLoader: fctx.documentLoader,
      contextLoader,
    });
    if (!owned) return json(401, { error: "The signer and the actor do not match" });
  }
  report(await processActivity(inboxEnv(fctx, options), activity), options);
  return new Response(null, { status: 202 });
}
