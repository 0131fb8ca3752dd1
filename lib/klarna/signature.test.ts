import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './signature';

// Vectors computed independently:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$KEY" -hex
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$KEY" -binary | base64
const KEY = '00000000-0000-0000-0000-000000000000';
const BODY =
  '{"metadata":{"event_type":"payment.request.state-change.authorized","event_id":"e1"},"payload":{"amount":1000}}';
const HEX = '4ec613f2b5f5d2e76cd0b6586c17efee26fd657a3fc9b97097839ec9b6009ea2';
const BASE64 = 'TsYT8rX10uds0LZYbBfv7ib9ZXo/yblwl4OeybYAnqI=';

describe('webhook signatures', () => {
  it('signs like openssl (base64)', () => {
    expect(signWebhookBody(BODY, KEY)).toBe(BASE64);
  });

  it('accepts the openssl digest in hex and in base64', () => {
    expect(verifyWebhookSignature(BODY, HEX, KEY)).toEqual({ valid: true, matched: 'raw' });
    expect(verifyWebhookSignature(BODY, BASE64, KEY)).toEqual({ valid: true, matched: 'raw' });
    expect(verifyWebhookSignature(BODY, HEX.toUpperCase(), KEY)).toEqual({ valid: true, matched: 'raw' });
  });

  it('accepts a pretty-printed body whose compact form was signed', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(verifyWebhookSignature(pretty, BASE64, KEY)).toEqual({ valid: true, matched: 'compact' });
  });

  it('refuses a tampered body, a wrong key and a missing signature', () => {
    expect(verifyWebhookSignature(BODY.replace('1000', '1001'), BASE64, KEY)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature(BODY, BASE64, KEY.replace(/0$/, '1'))).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(BODY, '', KEY)).toEqual({ valid: false, reason: 'missing signature' });
    expect(verifyWebhookSignature(BODY, null, KEY)).toEqual({ valid: false, reason: 'missing signature' });
    expect(verifyWebhookSignature(BODY, 'not-a-digest', KEY)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuses a signature over different JSON, even if only whitespace inside a string differs', () => {
    const other = BODY.replace('"e1"', '"e 1"');
    expect(verifyWebhookSignature(other, BASE64, KEY).valid).toBe(false);
  });
});
