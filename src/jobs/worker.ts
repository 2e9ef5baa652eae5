// The background worker: claims due jobs and runs their handlers, a few at a time, and runs
// periodic tasks. Stopping lets the jobs in hand finish; a job cut off by a crash is picked
// up again when its lease runs out. It looks for work when told a job was enqueued (in this
// process, or in another through PostgreSQL's LISTEN/NOTIFY: db/wakeups.ts) and otherwise
// every `pollMs`.
import type { Db } from "../db/database.ts";
import { ANY_QUEUE } from "../db/wakeups.ts";
import { logger } from "../logging.ts";
import { claim, complete, enqueue, fail, type Job, newWorkerId, retireWorkerId } from "./queue.ts";

export type JobHandler = (payload: unknown, job: Job) => Promise<void>;

export interface PeriodicTask {
  /** The queue its runs go through; one pending run at a time. */
  queue: string;
  everyMs: number;
}

export interface WorkerOptions {
  handlers: Record<string, JobHandler>;
  periodic?: PeriodicTask[];
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
}

export interface Worker {
  /** Asks the worker to look for work now instead of at the next poll. */
  wake(): void;
  stop(): Promise<void>;
}

const log = logger("worker");

export function startWorker(db: Db, options: WorkerOptions): Worker {
  const id = newWorkerId();
  const queues = Object.keys(options.handlers);
  const concurrency = options.concurrency ?? 4;
  const pollMs = options.pollMs ?? 1000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const running = new Set<Promise<void>>();
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let looking = false;
  // A wake-up that came while looking: look once more, the job may have been committed since.
  let lookAgain = false;

  async function run(job: Job): Promise<void> {
    const handler = options.handlers[job.queue]!;
    try {
      await handler(job.payload, job);
      await complete(db, job);
    } catch (error) {
      const outcome = await fail(db, job, error).catch(() => "retry");
      log.warn("Job {queue} {id} failed (attempt {attempts}), {outcome}: {error}", {
        queue: job.queue,
        id: job.id,
        attempts: job.attempts,
        outcome,
        error: String(error),
      });
    }
  }

  async function look(): Promise<void> {
    if (stopping) return;
    if (looking) {
      lookAgain = true;
      return;
    }
    looking = true;
    try {
      do {
        lookAgain = false;
        while (!stopping && running.size < concurrency) {
          const job = await claim(db, queues, id, leaseMs);
          if (!job) break;
          const p = run(job).finally(() => {
            running.delete(p);
            if (!stopping) void look();
          });
          running.add(p);
        }
      } while (lookAgain && !stopping);
    } catch (error) {
      if (!stopping) log.error("Could not claim jobs: {error}", { error: String(error) });
    } finally {
      looking = false;
    }
  }

  async function schedulePeriodic(): Promise<void> {
    for (const task of options.periodic ?? []) {
      await enqueue(
        db,
        task.queue,
        { everyMs: task.everyMs },
        { dedupeKey: `periodic:${task.queue}` },
      );
    }
  }

  function tick(): void {
    timer = setTimeout(async () => {
      await look();
      if (!stopping) tick();
    }, pollMs);
    timer.unref();
  }

  // Periodic tasks re-enqueue themselves after each run; the dedupe key keeps one pending.
  for (const task of options.periodic ?? []) {
    const handler = options.handlers[task.queue];
    if (!handler) throw new Error(`periodic task ${task.queue} has no handler`);
    options.handlers[task.queue] = async (payload, job) => {
      await handler(payload, job);
      await db.kysely.deleteFrom("jobs").where("id", "=", job.id).execute();
      await enqueue(db, task.queue, payload, {
        dedupeKey: `periodic:${task.queue}`,
        runAt: new Date(Date.now() + task.everyMs),
      });
    };
  }

  const stopListening = db.wakeups.listen((queue) => {
    if (queue === ANY_QUEUE || queues.includes(queue)) void look();
  });
  void schedulePeriodic()
    .catch((error) =>
      log.error("Could not schedule periodic tasks: {error}", { error: String(error) }),
    )
    .then(() => look());
  tick();
  log.info("Worker {id} started for queues {queues}", { id, queues: queues.join(", ") });

  return {
    wake: () => void look(),
    async stop() {
      stopping = true;
      stopListening();
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...running]);
      retireWorkerId(id);
      log.info("Worker {id} stopped", { id });
    },
  };
}
