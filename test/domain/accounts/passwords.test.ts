// Generated passwords: strong, and never refused for holding the username (a random draw once
// held the lab admin's name and failed the e2e suite's set-up).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generatePassword, passwordProblem } from "../../../src/domain/accounts/passwords.ts";

describe("generated passwords", () => {
  it("draws again when a draw contains the username or the e-mail's local part", () => {
    const draws = [
      "xxBoBxxxq1w2e3r4t5y6u7i8",
      "mail-bobby-x1y2z3w4v5u6",
      "k3J9-xQ2_pL7mN4vR8sT1wY6",
    ];
    let i = 0;
    const password = generatePassword(["bob", "bobby"], () => draws[i++]!);
    assert.equal(password, draws[2]);
    assert.equal(i, 3);
  });

  it("gives 24 characters that pass the checks it is held to", () => {
    for (let n = 0; n < 200; n++) {
      const password = generatePassword(["ann", "ann"]);
      assert.equal(password.length, 24);
      assert.equal(passwordProblem(password, ["ann", "ann"]), null);
    }
  });
});
