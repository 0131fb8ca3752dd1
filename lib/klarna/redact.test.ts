import { describe, expect, it } from 'vitest';
import { redact } from './redact';

describe('redaction for the request log', () => {
  it('replaces secrets and card numbers, keeps the rest', () => {
    expect(
      redact({
        description: 'ops key',
        api_key: 'klarna_test_api_abc',
        signing_key: 'sk',
        nested: [{ card_number: '4111111111111111', note: 'paid with 4111 1111 1111 1111 yesterday', cvv: '123' }],
        amount: 1000,
        client_id: 'klarna_test_client_1',
      }),
    ).toEqual({
      description: 'ops key',
      api_key: '[redacted]',
      signing_key: '[redacted]',
      nested: [{ card_number: '[redacted]', note: 'paid with [card …1111] yesterday', cvv: '[redacted]' }],
      amount: 1000,
      client_id: 'klarna_test_client_1',
    });
  });
});
