/**
 * The web process: Next.js behind a thin Node HTTP server, which stamps the real client address on
 * each request (Next itself keeps a client-sent X-Forwarded-For, which anyone can forge) and serves
 * the provider webhook endpoint itself (server/ingest/webhook-endpoint.ts): a machine-to-machine
 * POST authenticated by its signature, which needs nothing of Next's page and session machinery.
 * Run by scripts/start.mts; configured entirely through the environment.
 */
import { createServer } from "node:http";
import { register } from "node:module";
import next from "next";
import { clientAddress, clientIpHeader } from "./request-meta";

// The endpoint's modules import "server-only"; see the hook for why it is resolved this way here.
register("./server-only-hook.mjs", import.meta.url);
const { serveWebhook, webhookProviderOf } = await import("../ingest/webhook-endpoint");

const port = Number.parseInt(process.env.PORT ?? "3000", 10);
const hostname = process.env.HOST ?? "127.0.0.1";
const dev = process.argv.includes("--dev");
const trustedHops = Number.parseInt(process.env.TRUSTED_PROXY_HOPS ?? "0", 10);

const app = next({ dev, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  const provider = webhookProviderOf(req.url);
  if (provider !== null) {
    void serveWebhook(req, res, provider);
    return;
  }
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
