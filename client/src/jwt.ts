/** Seconds an access token lives (`exp` − `iat` of its payload), 0 when unreadable. */
export function lifetimeOf(token: string): number {
  try {
    const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const { exp, iat } = JSON.parse(atob(part)) as { exp?: number; iat?: number };
    return typeof exp === 'number' && typeof iat === 'number' ? exp - iat : 0;
  } catch {
    return 0;
  }
}
