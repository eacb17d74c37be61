import type { User } from '../../domain/user';

/** A `users` row. BIGINT may come back as a string, booleans as 0/1. */
export interface UserRow {
  id: string;
  username: string;
  username_normalized: string;
  password_hash: string;
  roles: string;
  disabled: number | boolean;
  created_at: number | string;
  updated_at: number | string;
}

/** Roles are stored as a JSON array; anything else reads as no roles (least privilege). */
function parseRoles(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((r) => typeof r === 'string') ? value : [];
  } catch {
    return [];
  }
}

export function toUserRow(user: User, usernameNormalized: string): UserRow {
  return {
    id: user.id,
    username: user.username,
    username_normalized: usernameNormalized,
    password_hash: user.passwordHash,
    roles: JSON.stringify(user.roles),
    disabled: user.disabled ? 1 : 0,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

export function fromUserRow(row: Omit<UserRow, 'username_normalized'>): User {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    roles: parseRoles(row.roles),
    disabled: Number(row.disabled) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
