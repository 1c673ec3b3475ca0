/**
 * The production build, rebuilt only when something it depends on changed: a hash of the sources is
 * stamped into .next/ after a successful `next build`, and a matching stamp plus a BUILD_ID means
 * the build on disk is current. Used by npm start and by the e2e server.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const buildDir = ".next";
const stampFile = path.join(buildDir, "countersign-source-hash");
const sourceRoots = ["app", "components", "server", "lib", "db/schema", "proxy.ts", "package-lock.json", "next.config.js", "tsconfig.json", "postcss.config.mjs"];

/** A hash of everything a production build depends on, so an unchanged tree is not rebuilt. */
export function sourceHash(): string {
  const hash = createHash("sha256");
  const visit = (entry: string) => {
    if (!existsSync(entry)) return;
    if (statSync(entry).isDirectory()) {
      for (const name of readdirSync(entry).sort()) visit(path.join(entry, name));
      return;
    }
    hash.update(entry).update(readFileSync(entry));
  };
  sourceRoots.forEach(visit);
  return hash.digest("hex");
}

/** True when .next/ holds a complete build of the current sources. */
export function buildIsCurrent(wanted = sourceHash()): boolean {
  const current = existsSync(stampFile) ? readFileSync(stampFile, "utf8") : "";
  return current === wanted && existsSync(path.join(buildDir, "BUILD_ID"));
}

export interface BuildOptions {
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/** Runs `next build` when the build on disk is missing or stale. Returns false if the build failed. */
export function ensureProductionBuild(options: BuildOptions): boolean {
  const wanted = sourceHash();
  if (buildIsCurrent(wanted)) return true;
  options.log("building the web app (first start or sources changed)");
  const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...options.env, NODE_ENV: "production" } });
  if (build.status !== 0) return false;
  writeFileSync(stampFile, wanted);
  return true;
}
