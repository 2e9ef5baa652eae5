// Streaming clients for tests: a raw WebSocket (Node's own) and an SSE reader over fetch, each
// collecting what arrives so a test can wait for an event or check one never came.

export interface StreamEvent {
  stream?: string[];
  event: string;
  payload?: string;
}

export class EventLog {
  readonly events: StreamEvent[] = [];
  readonly errors: unknown[] = [];
  readonly comments: string[] = [];
  #waiters: (() => void)[] = [];

  push(event: StreamEvent): void {
    this.events.push(event);
    this.#notify();
  }

  comment(text: string): void {
    this.comments.push(text);
    this.#notify();
  }

  error(value: unknown): void {
    this.errors.push(value);
    this.#notify();
  }

  #notify(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits for the first event (from now on or already seen) that `match`es. */
  async waitFor(
    match: (e: StreamEvent) => boolean,
    what = "event",
    timeoutMs = 10_000,
  ): Promise<StreamEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The status ID an update/status.update event carries (or the ID of a delete). */
export function statusIdOf(e: StreamEvent): string | undefined {
  if (e.event === "delete") return e.payload;
  if (e.event !== "update" && e.event !== "status.update") return undefined;
  return (JSON.parse(e.payload ?? "{}") as { id?: string }).id;
}

export interface WsClient {
  log: EventLog;
  socket: WebSocket;
  send(message: unknown): void;
  close(): void;
}

/** Opens a WebSocket; resolves once open, rejects with the HTTP status if refused. */
export function openWebSocket(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<WsClient> {
  const log = new EventLog();
  // Node's WebSocket takes headers through its undici options.
  const socket = new WebSocket(url, {
    protocols: options.protocols ?? [],
    ...(options.headers ? { headers: options.headers } : {}),
  } as unknown as string[]);
  return new Promise((resolve, reject) => {
    socket.addEventListener("open", () =>
      resolve({
        log,
        socket,
        send: (m) => socket.send(JSON.stringify(m)),
        close: () => socket.close(),
      }),
    );
    socket.addEventListener("error", (e) =>
      reject(new Error(`WebSocket refused: ${String((e as ErrorEvent).message ?? e.type)}`)),
    );
    socket.addEventListener("message", (m) => {
      const data = JSON.parse(String(m.data)) as StreamEvent & { error?: string };
      if (data.error) log.error(data);
      else log.push(data);
    });
  });
}

export interface SseClient {
  log: EventLog;
  status: number;
  close(): void;
}

/** GETs an SSE endpoint and parses what it sends into the log, until closed. */
export async function openSse(url: string, token?: string): Promise<SseClient & { body: string }> {
  const log = new EventLog();
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal: abort.signal,
  });
  if (!response.ok || !response.body) {
    return { log, status: response.status, body: await response.text(), close: () => {} };
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = "";
    let event: string | undefined;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line.startsWith(":")) log.comment(line.slice(1));
          else if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ") && event) {
            const data = line.slice(6);
            log.push({ event, ...(data === "" ? {} : { payload: data }) });
            event = undefined;
          }
          newline = buffer.indexOf("\n");
        }
      }
    } catch {
      // aborted
    }
  })();
  return { log, status: response.status, body: "", close: () => abort.abort() };
}
