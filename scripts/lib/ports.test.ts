import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { portIsFree, takenPorts } from "./ports";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listening(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("port preflight", () => {
  it("tells a taken port from a free one, and leaves the free one free", async () => {
    const taken = await listening();
    expect(await portIsFree(taken, "127.0.0.1")).toBe(false);
    const server = servers.pop() as Server;
    await new Promise((resolve) => server.close(resolve));
    expect(await portIsFree(taken, "127.0.0.1")).toBe(true);
    expect(await portIsFree(taken, "127.0.0.1")).toBe(true);
  });

  it("names each taken port with its use", async () => {
    const web = await listening();
    const database = await listening();
    const result = await takenPorts([
      { port: web, host: "127.0.0.1", use: "web server" },
      { port: database, host: "127.0.0.1", use: "embedded PostgreSQL" },
    ]);
    expect(result).toEqual([`127.0.0.1:${web} (web server)`, `127.0.0.1:${database} (embedded PostgreSQL)`]);
  });
});
