/** A person who can log in. Times are milliseconds since the epoch. */
export interface User {
  id: string;
  /** As first written; lookups use {@link normalizeUsername}. */
  username: string;
  passwordHash: string;
  roles: string[];
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export const USERNAME_MAX = 128;
export const PASSWORD_MAX = 1024;

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const ROLE = /^[A-Za-z0-9._:-]{1,64}$/;

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Null when acceptable, else why not (SPEC §4 input limits). */
export function usernameProblem(name: string): string | null {
  const n = codePoints(name);
  if (n < 1 || n > USERNAME_MAX) return `username must be 1-${USERNAME_MAX} characters`;
  if (CONTROL_OR_FORMAT.test(name)) return 'username may not contain control or format characters';
  if (LONE_SURROGATE.test(name)) return 'username must be valid Unicode';
  return null;
}

/** Null when acceptable, else why not. Passwords may contain anything. */
export function passwordProblem(password: string): string | null {
  const n = codePoints(password);
  if (n < 1 || n > PASSWORD_MAX) return `password must be 1-${PASSWORD_MAX} characters`;
  return null;
}

/** Null when acceptable, else why not. */
export function roleProblem(role: string): string | null {
  return ROLE.test(role) ? null : `role "${role}" must be 1-64 of A-Z a-z 0-9 . _ : -`;
}

/** One key per person: NFC, then Unicode lower case (accents stay significant). */
export function normalizeUsername(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
