import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { auditRecordsOf, createStaffMember } from "../support/data";
import { signIn } from "../support/session";

const run = promisify(execFile);

test("an auditor downloads the proof bundle of one record and it verifies offline", async ({ page }, testInfo) => {
  const auditor = await createStaffMember("auditor", "Pria Proofreader");
  await signIn(page, auditor.email, auditor.password);
  await page.goto("/audit");

  // The worker signs a checkpoint of the chain head when it starts.
  const checkpoints = page.getByRole("region", { name: "Chain checkpoints" });
  await expect(async () => {
    await page.reload();
    await expect(checkpoints).toContainText(/Latest signed checkpoint\s*seq \d+/, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const keyId = (await checkpoints.locator("code").first().innerText()).trim();
  expect(keyId).toMatch(/^[0-9a-f]{16}$/);
  await expectNoSeriousA11yViolations(page);

  // The auditor's own sign-in is newer than that checkpoint: the download signs one on demand.
  const [record] = await auditRecordsOf(auditor.id, "auth.sign_in");
  if (!record) throw new Error("the auditor's sign-in was not audited");
  await page.goto(`/audit/${record.seq}`);
  await expect(page.getByRole("heading", { level: 1, name: `Audit record ${record.seq}` })).toBeVisible();
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download proof" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`audit-proof-${record.seq}.json`);
  const file = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(file);

  const bundle = JSON.parse(readFileSync(file, "utf8")) as { seq: number; hash: string; publicKey: { keyId: string } };
  expect(bundle).toMatchObject({ seq: record.seq, hash: record.hash, publicKey: { keyId } });
  const verified = await run(process.execPath, ["scripts/verify-proof.mjs", file]);
  expect(verified.stdout).toMatch(new RegExp(`^OK: audit record ${record.seq} is in the chain signed at seq \\d+`));

  // The download itself is audited, naming the record it proves.
  await expect.poll(async () => (await auditRecordsOf(auditor.id, "audit.proof_export")).map((row) => row.targetId)).toEqual([String(record.seq)]);
});
