// The instance actor: an Application that stands for the server itself, at /actor (as in
// Mastodon; "actor" is a reserved username and local actors live under /users/, so it cannot
// clash), with the handle acct:DOMAIN@DOMAIN. Kith signs its fetches of remote documents with
// its key, so servers in authorized-fetch mode answer them; it is always served unsigned,
// since those servers must be able to read its key to check the signature.
import { type Federation, signRequest } from "@fedify/fedify";
import { Application, CryptographicKey, Endpoints, Multikey } from "@fedify/vocab";
import type { Context as KithContext } from "../domain/context.ts";
import { instanceKeyPairs } from "./keys.ts";
import { INSTANCE_ACTOR_PATH } from "./mount.ts";

export const instanceActorUri = (origin: string) => `${origin}${INSTANCE_ACTOR_PATH}`;
export const instanceKeyId = (origin: string) => `${instanceActorUri(origin)}#main-key`;

async function instanceActor(kith: KithContext): Promise<Application> {
  const { origin, domain } = kith.config;
  const id = new URL(instanceActorUri(origin));
  const [rsa, ed25519] = await instanceKeyPairs(kith);
  return new Application({
    id,
    preferredUsername: domain,
    url: new URL(`${origin}/about`),
    // Kith reads every delivery from its addressing, so the shared inbox serves here too.
    inbox: new URL(`${origin}/inbox`),
    endpoints: new Endpoints({ sharedInbox: new URL(`${origin}/inbox`) }),
    manuallyApprovesFollowers: true,
    publicKey: new CryptographicKey({
      id: new URL(instanceKeyId(origin)),
      owner: id,
      publicKey: rsa!.publicKey,
    }),
    assertionMethods: [
      new Multikey({
        id: new URL(`${id.href}#ed25519-key`),
        controller: id,
        publicKey: ed25519!.publicKey,
      }),
    ],
  });
}

export function registerInstanceActor(federation: Federation<KithContext>): void {
  // Fedify's types want a variable in an object's path; its router takes a fixed one too.
  const path = INSTANCE_ACTOR_PATH as `${string}{${string}}${string}`;
  federation.setObjectDispatcher(Application, path, (fctx) => instanceActor(fctx.data));
}

/** A GET signed (draft-cavage, what every peer verifies) with the instance actor's key. */
export async function signAsInstance(kith: KithContext, request: Request): Promise<Request> {
  const [rsa] = await instanceKeyPairs(kith);
  return signRequest(request, rsa!.privateKey, new URL(instanceKeyId(kith.config.origin)), {
    spec: "draft-cavage-http-signatures-12",
  });
}

/**
 * The WebFinger answer for the instance actor (acct:DOMAIN@DOMAIN or its URI), or null when
 * `resource` names something else.
 */
export function instanceWebFinger(kith: KithContext, resource: string | null): Response | null {
  const { origin, domain } = kith.config;
  const uri = instanceActorUri(origin);
  const handle = `acct:${domain}@${domain}`;
  if (resource?.toLowerCase() !== handle.toLowerCase() && resource !== uri) return null;
  const jrd = {
    subject: handle,
    aliases: [uri],
    links: [
      { rel: "self", type: "application/activity+json", href: uri },
      { rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: `${origin}/about` },
    ],
  };
  return new Response(JSON.stringify(jrd), {
    headers: { "Content-Type": "application/jrd+json", "Access-Control-Allow-Origin": "*" },
  });
}
