// Applies pending migrations with the owner role: DATABASE_URL, or the embedded default.
import { prepareRuntime } from "./lib/runtime";

const runtime = await prepareRuntime({ port: 3000, log: (line) => console.log(line) });
console.log("migrations applied");
await runtime.stop();
