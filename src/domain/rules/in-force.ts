// The policy in force, one per configuration (so several test servers in one process keep
// their own). Loaded and compiled once, at start (a bad file stops the start with its line and
// reason), and replaced only whole: a reload whose file is refused keeps the rules in force.
import type { Config } from "../../config.ts";
import { logger } from "../../logging.ts";
import { type CompiledPolicy, EMPTY_POLICY } from "./compile.ts";
import { loadPolicyFile } from "./load.ts";

const log = logger("rules");
const inForce = new WeakMap<Config, CompiledPolicy>();

function readConfigured(config: Config): CompiledPolicy {
  const { path, required } = config.rulesFile;
  try {
    return loadPolicyFile(path);
  } catch (error) {
    // A data directory without rules.json simply has no rules.
    if (!required && (error as { reason?: string }).reason === "cannot read the file (ENOENT)")
      return EMPTY_POLICY;
    throw error;
  }
}

/** The rules in force, loading them on first use; throws RulesFileError for a bad file. */
export function rulesInForce(config: Config): CompiledPolicy {
  let policy = inForce.get(config);
  if (!policy) {
    policy = readConfigured(config);
    inForce.set(config, policy);
  }
  return policy;
}

/** Reads the file again. All or nothing: when it is refused, the error is thrown and the
 * rules in force stay. */
export function reloadRules(config: Config): CompiledPolicy {
  const policy = readConfigured(config);
  inForce.set(config, policy);
  log.info("Rules loaded from {path}: {local} local, {incoming} incoming", {
    path: config.rulesFile.path,
    local: policy.local.length,
    incoming: policy.incoming.length,
  });
  return policy;
}
