/**
 * npm run bench -- <name> runs bench/<name>.mts; with no name it lists the benches there.
 * Benchmarks print their numbers; they are never timed unit tests, whose pass or fail would
 * depend on the machine.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const benchDir = import.meta.dirname;
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith(".mts") && file !== "run.mts")
  .map((file) => file.slice(0, -".mts".length))
  .sort();

const name = process.argv[2];
if (!name) {
  console.log(`usage: npm run bench -- <name>\navailable benches: ${available.join(", ") || "(none)"}`);
} else if (!available.includes(name)) {
  console.error(`no bench named "${name}"; available: ${available.join(", ") || "(none)"}`);
  process.exitCode = 2;
} else {
  await import(pathToFileURL(path.join(benchDir, `${name}.mts`)).href);
}
