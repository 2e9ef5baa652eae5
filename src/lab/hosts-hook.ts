// Preloaded into lab instance processes (`node --import …/hosts-hook.ts`, set through
// NODE_OPTIONS by the lab): installs KITH_LAB_HOSTS before Kith starts. Honoured only with
// KITH_DEV_MODE on, since it sends chosen names to loopback.
import { installLabHosts, LAB_HOSTS_VARIABLE, parseLabHosts } from "./hosts.ts";

const value = process.env[LAB_HOSTS_VARIABLE];
const devMode = ["1", "true", "yes", "on"].includes(
  (process.env.KITH_DEV_MODE ?? "").trim().toLowerCase(),
);
if (value && devMode) installLabHosts(parseLabHosts(value));
