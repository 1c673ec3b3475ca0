import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * Proves the money lint rules in eslint.config.mjs fire. Each snippet is linted as if it lived in
 * server/money, through the project's real configuration.
 */
describe("ESLint refuses money pushed through a JavaScript number", () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: "eslint.config.mjs" });
  });

  async function ruleIdsOf(code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: "server/money/example.ts" });
    expect(result?.fatalErrorCount, "the snippet parses").toBe(0);
    return (result?.messages ?? []).map((message) => `${message.ruleId}:${message.severity}`);
  }

  it.each([
    ["parseFloat(amount)", "export const f = (amount: string) => parseFloat(amount);\n", "no-restricted-globals"],
    ["Number.parseFloat(amount)", "export const f = (amount: string) => Number.parseFloat(amount);\n", "no-restricted-properties"],
    ["Number(balance)", "export const f = (balance: string) => Number(balance);\n", "no-restricted-syntax"],
    ["Number(row.amount)", "export const f = (row: { amount: string }) => Number(row.amount);\n", "no-restricted-syntax"],
    ["+total", "export const f = (total: string) => +total;\n", "no-restricted-syntax"],
    ["+row.totalAmount", "export const f = (row: { totalAmount: string }) => +row.totalAmount;\n", "no-restricted-syntax"],
    ["Number(amount ?? \"0\")", "export const f = (amount?: string) => Number(amount ?? \"0\");\n", "no-restricted-syntax"],
    ["Number(row[\"amount\"])", "export const f = (row: Record<string, string>) => Number(row[\"amount\"]);\n", "no-restricted-syntax"],
    ["parseInt(amount)", "export const f = (amount: string) => parseInt(amount, 10);\n", "no-restricted-syntax"],
    ["Number.parseInt(balance)", "export const f = (balance: string) => Number.parseInt(balance, 10);\n", "no-restricted-syntax"],
    ["Math.round(amount)", "export const f = (amount: number) => Math.round(amount);\n", "no-restricted-syntax"],
    ["x.toNumber()", "export const f = (x: { toNumber(): number }) => x.toNumber();\n", "no-restricted-syntax"],
  ])("%s is an error", { timeout: 30_000 }, async (_label, code, ruleId) => {
    expect(await ruleIdsOf(code)).toEqual([`${ruleId}:2`]);
  });

  it("Number(count) is clean: counts are not money", { timeout: 30_000 }, async () => {
    expect(await ruleIdsOf("export const f = (count: string) => Number(count);\n")).toEqual([]);
  });
});
