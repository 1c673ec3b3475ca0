export * from "./staff";
export * from "./audit";
export * from "./system";
export * from "./idempotency";
