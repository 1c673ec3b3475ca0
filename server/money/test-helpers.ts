import { expect } from "vitest";
import { DomainError, type DomainErrorCode } from "../errors";

/** Runs `action` and returns the DomainError it throws; fails the test if it returns or throws anything else. */
export function domainErrorOf(action: () => unknown): DomainError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected a DomainError to be thrown").toBeInstanceOf(DomainError);
  return thrown as DomainError;
}

export function expectDomainError(action: () => unknown, code: DomainErrorCode, field?: string): DomainError {
  const error = domainErrorOf(action);
  expect({ code: error.code, field: error.field }).toEqual({ code, field });
  return error;
}
