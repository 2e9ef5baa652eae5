// `kith lab`: starts a local federation lab and keeps it running until SIGINT or SIGTERM.
import { DEFAULT_BASE_PORT, DEFAULT_LAB_DIR, type Lab, LabError, startLab } from "../lab/lab.ts";
import { type Command, parse, UsageError } from "./args.ts";

const summary = "Run 2–5 local instances that federate over HTTPS (a federation lab).";

const usage = `kith lab [--instances N] [--dir DIR] [--base-port P] [--portless]
         [--database-url-prefix URL] [--json]

${summary}

Each instance gets a handle domain (a.localhost, b.localhost…), an HTTPS origin
(https://a.localhost:4001…) with a certificate from the lab's own CA, an admin account
and a token. The lab runs until Ctrl-C (SIGINT) or SIGTERM, then stops every instance.

Options:
  --instances N              how many instances, 2 to 5 (default 2)
  --dir DIR                  lab directory, reused across runs (default ${DEFAULT_LAB_DIR})
  --base-port P              instance i listens on P + i (default: as set up before, else ${DEFAULT_BASE_PORT})
  --portless                 origins without ports (https://a.localhost), like the handles;
                             reachable only through the lab's host map, not from browsers
  --database-url-prefix URL  PostgreSQL instead of SQLite: instance a uses URL + "a", e.g.
                             postgres://postgres@127.0.0.1:5432/kith_lab_ gives kith_lab_a
  --json                     print one JSON document (URLs, handles, tokens, CA) on stdout

See docs/federation-lab.md.`;

function integerOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

export const labCommand: Command = {
  summary,
  usage,
  async run(argv) {
    const { values } = parse(argv, {
      instances: { type: "string" },
      dir: { type: "string" },
      "base-port": { type: "string" },
      "database-url-prefix": { type: "string" },
      portless: { type: "boolean" },
      json: { type: "boolean" },
    });
    const instances = integerOption("instances", values.instances) ?? 2;
    if (instances < 2 || instances > 5) throw new UsageError("--instances must be 2 to 5");
    const basePort = integerOption("base-port", values["base-port"]);
    const prefix = values["database-url-prefix"];
    if (prefix !== undefined && !/^postgres(ql)?:\/\/[^/]+\/[a-z0-9_]*$/.test(prefix)) {
      throw new UsageError(
        "--database-url-prefix must look like postgres://user@host:5432/kith_lab_",
      );
    }
    const json = values.json === true;

    // Listen from the start: a Ctrl-C while the instances start must still stop them (they run
    // in their own process groups, so the terminal's signal does not reach them).
    const interrupt = new AbortController();
    const signalled = new Promise<"signal">((resolve) => {
      const onSignal = () => {
        interrupt.abort();
        resolve("signal");
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
    });

    let lab: Lab;
    try {
      lab = await startLab({
        instances,
        ...(values.dir ? { dir: values.dir } : {}),
        ...(basePort !== undefined ? { basePort } : {}),
        databaseUrlPrefix: prefix ?? null,
        portless: values.portless === true,
        signal: interrupt.signal,
        // Instance logs go to stderr so that stdout holds only the summary or the JSON.
        onOutput: (name, line) => process.stderr.write(`[${name}] ${line}\n`),
      });
    } catch (error) {
      if (interrupt.signal.aborted) return 0;
      if (error instanceof LabError) {
        console.error(`kith lab: ${error.message}`);
        return 1;
      }
      throw error;
    }
    console.log(json ? JSON.stringify(describeLab(lab), null, 2) : summarise(lab));

    const outcome = await Promise.race([
      signalled,
      lab.unexpectedExit.then(({ name, code }) => `${name} exited (${code})`),
    ]);
    if (outcome !== "signal") console.error(`kith lab: instance ${outcome}; stopping the others`);
    else console.error("kith lab: stopping…");
    await lab.stop();
    return outcome === "signal" ? 0 : 1;
  },
};

function describeLab(lab: Lab) {
  return {
    instances: lab.instances.map((i) => ({
      name: i.name,
      url: i.url,
      localUrl: i.localUrl,
      domain: i.domain,
      handle: i.handle,
      username: i.username,
      password: i.password,
      adminToken: i.adminToken,
      dataDir: i.dataDir,
      pid: i.pid,
    })),
    caCert: lab.caCertPath,
    caCertPem: lab.caCert,
    hosts: [...lab.hosts].map(([name, port]) => `${name}=${port}`).join(","),
  };
}

function summarise(lab: Lab): string {
  const rows = lab.instances.map(
    (i) =>
      `  ${i.name}  ${i.url.padEnd(26)} ${i.handle.padEnd(22)} password ${i.password}\n` +
      `     admin token ${i.adminToken}` +
      (new URL(i.url).port ? "" : `\n     from outside the lab: ${i.localUrl}`),
  );
  const [first] = lab.instances;
  // Port-less origins are only reachable through the host map: curl and browsers use the address.
  const reach = new URL(first!.url).port ? first!.url : first!.localUrl;
  return `Kith federation lab: ${lab.instances.length} instances in ${lab.dir}

${rows.join("\n")}

The instances trust the lab CA: ${lab.caCertPath}
  curl:     curl --cacert ${lab.caCertPath} ${reach}/api/v2/instance
  browser:  import that file as a trusted authority (see docs/federation-lab.md), then open
            ${reach} and sign in as ${first!.username}, or point a Mastodon client at it.
  token:    curl --cacert ${lab.caCertPath} -H "Authorization: Bearer ${first!.adminToken}" \\
              ${reach}/api/v1/accounts/verify_credentials
Try it: search ${lab.instances[1]!.handle} from ${first!.handle} and follow.

Press Ctrl-C to stop every instance.`;
}
