/**
 * The web process: Next.js behind a thin Node HTTP server whose only job is to stamp the real client
 * address on each request (Next itself keeps a client-sent X-Forwarded-For, which anyone can forge).
 * Run by scripts/start.mts; configured entirely through the environment.
 */
import { createServer } from "node:http";
import next from "next";
import { clientAddress, clientIpHeader } from "./request-meta";

const port = Number.parseInt(process.env.PORT ?? "3000", 10);
const hostname = process.env.HOST ?? "127.0.0.1";
const dev = process.argv.includes("--dev");
const trustedHops = Number.parseInt(process.env.TRUSTED_PROXY_HOPS ?? "0", 10);

const app = next({ dev, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  const forwarded = req.headers["x-forwarded-for"];
  const address = clientAddress(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, trustedHops);
  req.headers[clientIpHeader] = address;
  if (trustedHops === 0) req.headers["x-forwarded-for"] = address;
  void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.requestTimeout = 120_000;
server.listen(port, hostname, () => {
  process.stdout.write(`web listening on http://${hostname}:${port}${dev ? " (development)" : ""}\n`);
});

function shutdown(): void {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
