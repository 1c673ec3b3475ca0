/**
 * npm start: the whole product with one command. Embedded PostgreSQL (unless DATABASE_URL),
 * migrations, demo data once, a production build when the sources changed, then the web server
 * and the worker, each restarted with a back-off if it exits on its own (a crash loop stops
 * everything). Ctrl-C stops the children and then the embedded database.
 * npm run dev: the same with Next's development server.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { connectDatabase } from "../db/client";
import { demoPassword, demoStaff } from "../server/demo/demo-staff";
import { loadDemoData } from "../server/demo/load-demo";
import { ensureProductionBuild } from "./lib/build";
import { takenPorts } from "./lib/ports";
import { embeddedPgPort, prepareRuntime } from "./lib/runtime";
import { supervise, type Supervised } from "./lib/supervise";

const dev = process.argv.includes("--dev");
const port = Number.parseInt(process.env.PORT ?? "3000", 10);
const say = (line: string) => process.stdout.write(`[countersign] ${line}\n`);

const taken = await takenPorts([
  { port, host: process.env.HOST ?? "127.0.0.1", use: "web server, PORT" },
  ...(process.env.DATABASE_URL ? [] : [{ port: embeddedPgPort(), host: "127.0.0.1", use: "embedded PostgreSQL, EMBEDDED_PG_PORT" }]),
]);
if (taken.length > 0) {
  say(`cannot start: ${taken.join(" and ")} ${taken.length > 1 ? "are" : "is"} already in use (another npm start, or another program).`);
  say("stop it, or choose other ports with the variables named above");
  process.exit(1);
}

const runtime = await prepareRuntime({ port, log: say });
const children: Supervised[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => undefined);
  stopping = true;
  say("stopping web and worker");
  await Promise.all(children.map((child) => child.stop()));
  say("stopping the database");
  await Promise.race([runtime.stop(), new Promise((resolve) => setTimeout(resolve, 8_000))]);
  process.exit(code);
}


process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

if (process.env.SEED_DEMO !== "false") {
  const handle = connectDatabase(runtime.appUrl, { maxConnections: 2, statementTimeoutMs: 0 });
  try {
    const loaded = await loadDemoData(handle, () => undefined);
    if (loaded.length > 0) say(`demo data loaded: ${loaded.join(", ")}`);
  } finally {
    await handle.close();
  }
}

if (!dev && !ensureProductionBuild({ env: runtime.env, log: say })) {
  say("build failed");
  await stopAll(1);
}

const tsx = path.join("node_modules", ".bin", "tsx");
const processes = [
  { name: "web", args: ["server/http/serve.mts", ...(dev ? ["--dev"] : [])] },
  { name: "worker", args: ["--conditions=react-server", "server/jobs/worker.mts"] },
];
for (const { name, args } of processes) {
  children.push(
    supervise({
      name,
      start: () =>
        spawn(tsx, args, {
          stdio: "inherit",
          env: { ...runtime.env, NODE_ENV: dev ? "development" : "production", COUNTERSIGN_PROCESS: name },
        }),
      log: say,
      onGiveUp: (code) => void stopAll(code === 0 ? 1 : code),
    }),
  );
}

const url = runtime.env.NEXTAUTH_URL;
say("");
say(`Countersign is up: ${url}`);
say(`demo sign-ins (password for all: ${demoPassword}):`);
for (const member of demoStaff) say(`  ${member.role.padEnd(11)} ${member.email}`);
say("press Ctrl-C to stop");
