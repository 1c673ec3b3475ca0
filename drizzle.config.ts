import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL from the schema here; migrations are applied by
// scripts/migrate.mts with the owner role, never by the application role.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  schemaFilter: ["public"],
  casing: "snake_case",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/countersign" },
});
