import { uuidv7 } from "uuidv7";
import type { Executor } from "@/db/client";
import { reconExceptionNotes } from "@/db/schema";

export type NoteKind = "comment" | "status" | "assign" | "adjustment_raised" | "resolved";

/** Appends to an exception's thread (append-only: a note is never changed). */
export async function appendNotes(tx: Executor, notes: { exceptionId: string; authorId: string; kind: NoteKind; body: string }[]): Promise<void> {
  if (notes.length === 0) return;
  const createdAt = new Date();
  await tx.insert(reconExceptionNotes).values(notes.map((note) => ({ id: uuidv7(), ...note, createdAt })));
}
