import { createServer } from "node:net";

/**
 * Whether a TCP port can be listened on at `host` right now. npm start asks before it starts
 * anything, so a port another program holds is one clear message at once rather than a web server
 * that fails, is restarted with a back-off and ends in a crash loop half a minute later.
 */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(false);
      else reject(error);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The ports npm start needs that are taken, each with what it is for. */
export async function takenPorts(wanted: { port: number; host: string; use: string }[]): Promise<string[]> {
  const taken: string[] = [];
  for (const { port, host, use } of wanted) if (!(await portIsFree(port, host))) taken.push(`${host}:${port} (${use})`);
  return taken;
}
