/**
 * The one error every issue-8 setting parser throws: it lists every problem found, so an admin
 * fixes a form in one go. HTTP routes turn it into a 400 `invalid` with the list.
 * @module
 */

/** A setting (business hours, SLA policies, routing rules, a webhook...) was refused. */
export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'SettingsError';
  }
}

/** Throws a SettingsError when `problems` is not empty. */
export function assertNoProblems(problems: string[]): void {
  if (problems.length) throw new SettingsError(problems);
}

/** Narrow an unknown JSON value to a plain object (or report it). */
export function asObject(value: unknown, what: string, problems: string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${what} must be an object`);
    return {};
  }
  return value as Record<string, unknown>;
}
