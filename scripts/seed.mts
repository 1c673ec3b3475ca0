/** npm run seed: loads the demo staff once (later issues add ledger volume flags). */
import { connectDatabase } from "../db/client";
import { seedDemoStaff } from "../server/demo/demo-staff";
import { prepareRuntime } from "./lib/runtime";

const runtime = await prepareRuntime({ port: 3000, log: (line) => console.log(line) });
const handle = connectDatabase(runtime.appUrl, { maxConnections: 2 });
try {
  const loaded = await seedDemoStaff(handle.db);
  console.log(loaded ? "demo staff loaded" : "demo staff already present");
} finally {
  await handle.close();
  await runtime.stop();
}
