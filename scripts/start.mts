/**
 * npm start: the whole product with one command. Embedded PostgreSQL (unless DATABASE_URL),
 * migrations, demo data once, a production build when the sources changed, then the web server
 * and the worker. Ctrl-C stops the children and then the embedded database.
 * npm run dev: the same with Next's development server.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { connectDatabase } from "../db/client";
import { demoPassword, demoStaff, seedDemoStaff } from "../server/demo/demo-staff";
import { prepareRuntime } from "./lib/runtime";

const dev = process.argv.includes("--dev");
const port = Number.parseInt(process.env.PORT ?? "3000", 10);
const say = (line: string) => process.stdout.write(`[countersign] ${line}\n`);

const runtime = await prepareRuntime({ port, log: say });
const children: ChildProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => undefined);
  stopping = true;
  say("stopping web and worker");
  await Promise.all(children.map((child) => terminate(child)));
  say("stopping the database");
  await Promise.race([runtime.stop(), new Promise((resolve) => setTimeout(resolve, 8_000))]);
  process.exit(code);
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 8_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

if (process.env.SEED_DEMO !== "false") {
  const handle = connectDatabase(runtime.appUrl, { maxConnections: 2 });
  try {
    if (await seedDemoStaff(handle.db)) say("demo data loaded");
  } finally {
    await handle.close();
  }
}

/** A hash of everything a production build depends on, so an unchanged tree is not rebuilt. */
function sourceHash(): string {
  const hash = createHash("sha256");
  const roots = ["app", "components", "server", "lib", "db/schema", "package-lock.json", "next.config.js", "tsconfig.json", "postcss.config.mjs"];
  const visit = (entry: string) => {
    if (!existsSync(entry)) return;
    if (statSync(entry).isDirectory()) {
      for (const name of readdirSync(entry).sort()) visit(path.join(entry, name));
      return;
    }
    hash.update(entry).update(readFileSync(entry));
  };
  roots.forEach(visit);
  return hash.digest("hex");
}

if (!dev) {
  const stamp = path.join(".next", "countersign-source-hash");
  const wanted = sourceHash();
  const current = existsSync(stamp) ? readFileSync(stamp, "utf8") : "";
  if (current !== wanted || !existsSync(path.join(".next", "BUILD_ID"))) {
    say("building the web app (first start or sources changed)");
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...runtime.env, NODE_ENV: "production" } });
    if (build.status !== 0) {
      say("build failed");
      await stopAll(1);
    }
    writeFileSync(stamp, wanted);
  }
}

const tsx = path.join("node_modules", ".bin", "tsx");
const web = spawn(tsx, ["server/http/serve.mts", ...(dev ? ["--dev"] : [])], {
  stdio: "inherit",
  env: { ...runtime.env, NODE_ENV: dev ? "development" : "production", COUNTERSIGN_PROCESS: "web" },
});
const worker = spawn(tsx, ["--conditions=react-server", "server/jobs/worker.mts"], {
  stdio: "inherit",
  env: { ...runtime.env, NODE_ENV: dev ? "development" : "production", COUNTERSIGN_PROCESS: "worker" },
});
children.push(web, worker);
for (const child of children) {
  child.on("exit", (code, signal) => {
    if (stopping) return;
    say(`a child process exited (${code ?? signal}); stopping`);
    void stopAll(code ?? 1);
  });
}

const url = runtime.env.NEXTAUTH_URL;
say("");
say(`Countersign is up: ${url}`);
say(`demo sign-ins (password for all: ${demoPassword}):`);
for (const member of demoStaff) say(`  ${member.role.padEnd(11)} ${member.email}`);
say("press Ctrl-C to stop");
