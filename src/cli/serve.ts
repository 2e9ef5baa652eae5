// `kith serve`, `kith web` and `kith worker`: long-running processes that stop cleanly on
// SIGTERM or SIGINT (in-flight requests and jobs finish, then the database closes), and read the
// instance rules again on SIGHUP (a refused file leaves the rules in force as they were).
import { loadConfig } from "../config.ts";
import { reloadRules } from "../domain/rules/in-force.ts";
import { logger, setUpLogging } from "../logging.ts";
import { startKith } from "../main.ts";
import { type Command, parse } from "./args.ts";

function processCommand(summary: string, name: string, web: boolean, worker: boolean): Command {
  return {
    summary,
    usage: `kith ${name} [--no-migrate]\n\n${summary}\n\nOptions:\n  --no-migrate  do not apply pending database migrations at start\n\nConfigured by environment variables; see the README.`,
    async run(argv) {
      const { values } = parse(argv, { "no-migrate": { type: "boolean" } });
      const config = loadConfig();
      await setUpLogging(config.logLevel);
      const kith = await startKith(config, { web, worker, migrate: !values["no-migrate"] });
      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = () => {
          signals += 1;
          if (signals > 1) process.exit(1);
          kith.stop().then(resolve, () => process.exit(1));
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
        process.on("SIGHUP", () => {
          try {
            reloadRules(config);
          } catch (error) {
            logger("rules").error("Rules not reloaded, the rules in force stay: {message}", {
              message: (error as Error).message,
            });
          }
        });
      });
      return 0;
    },
  };
}

export const serveCommand = processCommand(
  "Run the web server and the background worker in one process.",
  "serve",
  true,
  true,
);
export const webCommand = processCommand(
  "Run only the web server (API, pages, inboxes).",
  "web",
  true,
  false,
);
export const workerCommand = processCommand(
  "Run only the background worker (deliveries, scheduled work, clean-up).",
  "worker",
  false,
  true,
);
