/** How one worker claims and runs jobs. Every number is bounded by the env schema. */
export interface WorkerOptions {
  /** Names this process in claims and attempt records: host:pid:random. */
  workerId: string;
  batchSize: number;
  concurrency: number;
  /** How long a claim lasts; a crashed worker's jobs are due again after it. */
  leaseMs: number;
}
