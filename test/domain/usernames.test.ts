// Local usernames: the instance's own domain is kept for the instance actor, whose handle is
// acct:DOMAIN@DOMAIN as in Mastodon (a domain is a well-formed username: dots are allowed).
import assert from "node:assert/strict";
import { it } from "node:test";
import { usernameProblem } from "../../src/domain/accounts/usernames.ts";

it("refuses the instance's domain as a username, in any letter case", () => {
  const reserved = ["ERR_RESERVED", "is reserved"];
  assert.deepEqual(usernameProblem("social.example", "social.example"), reserved);
  assert.deepEqual(usernameProblem("Social.Example", "social.example"), reserved);
  assert.deepEqual(usernameProblem("actor", "social.example"), reserved);
  assert.equal(usernameProblem("social.example", "other.example"), null);
});
