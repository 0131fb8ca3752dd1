import { describe, expect, it } from 'vitest';
import { parseRefusal, refusalMessages } from './refusal';

describe('sign-in refusals', () => {
  it('says a reused TOTP code was just used, not that it is not valid', () => {
    const refusal = parseRefusal(JSON.stringify({ ok: false, code: 'TOTP_REUSED' }));
    expect(refusal).toEqual({ code: 'TOTP_REUSED' });
    expect(refusalMessages.TOTP_REUSED).toMatch(/^This code was just used; wait for the next one/);
    expect(refusalMessages.TOTP_REUSED).not.toMatch(/not valid/);
    expect(refusalMessages.TOTP_INVALID).toMatch(/^That code is not valid\./);
  });

  it('reads the throttle wait and ignores what it does not know', () => {
    expect(parseRefusal('{"ok":false,"code":"THROTTLED","retryAfterSeconds":12}')).toEqual({
      code: 'THROTTLED',
      retryAfterSeconds: 12,
    });
    expect(parseRefusal('{"code":"SOMETHING_NEW"}')).toBeNull();
    expect(parseRefusal('CredentialsSignin')).toBeNull();
  });
});
