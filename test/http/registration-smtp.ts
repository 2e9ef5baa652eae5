// A fake SMTP server on loopback that keeps every message it is given, for tests of mail.
import { createServer, type Server } from "node:net";

export interface FakeSmtp {
  port: number;
  messages: { from: string; to: string[]; data: string }[];
  /** Waits for a message to `to`, up to `timeoutMs`. */
  waitFor(to: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** Quoted-printable soft breaks and escapes undone, so links can be matched. */
export function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const messages: FakeSmtp["messages"] = [];
  const server: Server = createServer((socket) => {
    let buffer = "";
    let inData = false;
    let data = "";
    let from = "";
    let to: string[] = [];
    socket.write("220 fake.smtp ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let index = buffer.indexOf("\r\n");
      while (index >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push({ from, to, data });
            socket.write("250 2.0.0 queued\r\n");
          } else {
            data += `${line.startsWith("..") ? line.slice(1) : line}\r\n`;
          }
        } else {
          const command = line.slice(0, 4).toUpperCase();
          if (command === "EHLO" || command === "HELO") socket.write("250 fake.smtp\r\n");
          else if (command === "MAIL") {
            from = line;
            to = [];
            socket.write("250 2.1.0 ok\r\n");
          } else if (command === "RCPT") {
            to.push(/<([^>]*)>/.exec(line)?.[1] ?? line);
            socket.write("250 2.1.5 ok\r\n");
          } else if (command === "DATA") {
            inData = true;
            data = "";
            socket.write("354 go ahead\r\n");
          } else if (command === "QUIT") {
            socket.end("221 bye\r\n");
          } else socket.write("250 ok\r\n");
        }
        index = buffer.indexOf("\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    messages,
    async waitFor(address, timeoutMs = 10_000) {
      const started = Date.now();
      while (Date.now() - started < timeoutMs) {
        const found = messages.find((m) => m.to.includes(address));
        if (found) return decodeQuotedPrintable(found.data);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
