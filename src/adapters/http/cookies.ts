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

  clear(ctx: Context): void {
    this.write(ctx, this.settings.accessName, '', 0);
    this.write(ctx, this.settings.refreshName, '', 0);
  }

  get names(): { access: string; refresh: string } {
    return { access: this.settings.accessName, refresh: this.settings.refreshName };
  }

  /** `Set-Cookie` values for reissued tokens (admission/reissue-headers.ts puts them on every answer). */
  serializeReissue(reissued: { access?: { token: string; expiresIn: number }; refresh?: { token: string; expiresIn: number } }): string[] {
    const out: string[] = [];
    if (reissued.access) out.push(this.serialize(this.settings.accessName, reissued.access.token, reissued.access.expiresIn));
    if (reissued.refresh) out.push(this.serialize(this.settings.refreshName, reissued.refresh.token, reissued.refresh.expiresIn));
    return out;
  }

  private write(ctx: Context, name: string, value: string, maxAge: number): void {
    ctx.append('Set-Cookie', this.serialize(name, value, maxAge));
  }

  private serialize(name: string, value: string, maxAge: number): string {
    return serialize(name, value, {
      httpOnly: true,
      path: '/',
      sameSite: this.settings.sameSite,
      secure: this.settings.secure,
      maxAge,
      ...(maxAge === 0 ? { expires: new Date(0) } : {}),
      ...(this.settings.domain ? { domain: this.settings.domain } : {}),
    });
  }
}
