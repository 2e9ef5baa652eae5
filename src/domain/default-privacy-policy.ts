// The privacy policy an instance shows until its admin writes one (privacy-policy.html in the
// data directory). It says only what Kith itself keeps and sends, so it stays true on any
// instance; whoever runs the server adds what their own hosting, backups and logs keep.
import { escapeHtml } from "./statuses/text.ts";

/** When this text last changed; clients show it as the policy's date. */
export const DEFAULT_PRIVACY_POLICY_UPDATED_AT = "2026-11-26T00:00:00.000Z";

export function defaultPrivacyPolicy(host: string): string {
  const server = escapeHtml(host);
  return `<p>This is the privacy policy of ${server}, a Kith server. Its admin has not written one
of their own, so this text, which comes with Kith, says what the software keeps and where it
sends it. The people who run ${server} may keep more (hosting, backups, server logs); ask them.</p>

<h2>What this server keeps</h2>
<ul>
<li><strong>Your account</strong>: your username, e-mail address, a hash of your password (never
the password itself), your profile (display name, bio, fields, avatar and header) and your
settings.</li>
<li><strong>What you post and do</strong>: your posts with their media, polls and edits; whom you
follow, block and mute; your favourites, boosts, bookmarks, lists, filters and notes; the
notifications you receive; reports you send.</li>
<li><strong>Addresses and devices</strong>: the IP address you signed up from; for each web
session, the IP address and browser it began with, until the session ends or expires; for Web
Push, the subscription your app gave. Sign-ups refused by an e-mail block keep their IP
address for a week. Request logs record the method, path, status and duration, not your
address.</li>
<li><strong>Apps</strong>: the apps you authorised, and a hash of each access token (never the
token itself).</li>
</ul>

<h2>Who sees it</h2>
<ul>
<li><strong>Public and unlisted posts</strong> and your profile can be seen by anyone, and are
sent to other servers of the fediverse. So can whom you follow and who follows you, unless you
choose to hide them.</li>
<li><strong>Followers-only posts</strong> are shown to your followers and to the people they
mention, and sent only to their servers.</li>
<li><strong>Direct posts</strong> are shown only to the people they mention, and sent only to
their servers. They are not end-to-end encrypted: the admins of this server and of theirs can
read them. Do not share anything dangerous over them.</li>
<li><strong>Other servers</strong> keep what they were sent under their own rules and policies.</li>
<li><strong>Moderators and admins</strong> of this server can see your e-mail address and
sign-up IP address, and the posts reported to them. The admins can read everything this server
keeps.</li>
</ul>

<h2>Deleting</h2>
<p>When you delete a post or your account, this server removes it and asks the servers it was
sent to to remove it too. It cannot make them do so.</p>

<h2>Cookies</h2>
<p>Cookies keep you signed in to this server's pages and protect its forms. There are no
tracking or advertising cookies, and no third-party scripts.</p>

<h2>Changes</h2>
<p>If this policy changes, the date shown with it changes too.</p>`;
}
