import { serialize } from 'cookie';
import type { Context } from 'koa';

export interface CookieSettings {
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  domain: string | null;
  accessName: string;
  refreshName: string;
}

/** Writes token cookies with the attributes SPEC §4 fixes. */
export class TokenCookies {
  constructor(private readonly settings: CookieSettings) {}

  setAccess(ctx: Context, token: string, maxAgeSeconds: number): void {
    this.write(ctx, this.settings.accessName, token, maxAgeSeconds);
  }

  setRefresh(ctx: Context, token: string, maxAgeSeconds: number): void {
    this.write(ctx, this.settings.refreshName, token, maxAgeSeconds);
  }

  clear(ctx: Context): void {
    this.write(ctx, this.settings.accessName, '', 0);
    this.write(ctx, this.settings.refreshName, '', 0);
  }

  readAccess(ctx: Context): string | null {
    return ctx.cookies.get(this.settings.accessName) || null;
  }

  readRefresh(ctx: Context): string | null {
    return ctx.cookies.get(this.settings.refreshName) || null;
  }

  private write(ctx: Context, name: string, value: string, maxAge: number): void {
    const cookie = serialize(name, value, {
      httpOnly: true,
      path: '/',
      sameSite: this.settings.sameSite,
      secure: this.settings.secure,
      maxAge,
      ...(maxAge === 0 ? { expires: new Date(0) } : {}),
      ...(this.settings.domain ? { domain: this.settings.domain } : {}),
    });
    ctx.append('Set-Cookie', cookie);
  }
}
