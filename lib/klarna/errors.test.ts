import { describe, expect, it } from 'vitest';
import { describeKlarnaError, KlarnaApiError, KlarnaNetworkError } from './errors';
import { idempotencyKey } from './idempotency';

describe('Klarna errors', () => {
  it("reads the seed's error object", () => {
    const error = KlarnaApiError.fromResponse(
      400,
      JSON.stringify({
        error_id: 'abcd1234-12ab-1234-abcd-abcd12345678',
        error_type: 'INPUT_ERROR',
        error_code: 'VALIDATION_ERROR',
        errors: [
          {
            parameter: 'line_items[0].quantity',
            error_message: 'Parameter line_items[0].quantity must be greater than or equal to 1',
            doc_url: 'https://docs.klarna.com/x',
          },
        ],
      }),
      { idempotencyKey: 'k-1', operation: 'capture' },
    );
    expect(error).toMatchObject({
      status: 400,
      errorId: 'abcd1234-12ab-1234-abcd-abcd12345678',
      errorType: 'INPUT_ERROR',
      errorCode: 'VALIDATION_ERROR',
      idempotencyKey: 'k-1',
      retryable: false,
    });
    expect(error.errors).toEqual([
      {
        parameter: 'line_items[0].quantity',
        message: 'Parameter line_items[0].quantity must be greater than or equal to 1',
        docUrl: 'https://docs.klarna.com/x',
      },
    ]);
    expect(describeKlarnaError(error)).toBe(
      'Klarna rejected some of the values. line_items[0].quantity: Parameter line_items[0].quantity must be greater than or equal to 1. Klarna error id: abcd1234-12ab-1234-abcd-abcd12345678.',
    );
  });

  it("reads the newer docs' validation_errors with reason", () => {
    const error = KlarnaApiError.fromResponse(
      400,
      JSON.stringify({
        error_code: 'VALIDATION_ERROR',
        validation_errors: [{ parameter: 'currency', reason: 'unsupported' }],
      }),
    );
    expect(error.errors).toEqual([{ parameter: 'currency', message: 'unsupported', docUrl: null }]);
  });

  it('survives a body that is empty or not JSON (a 403 from the DDoS rules) and unknown codes', () => {
    const blocked = KlarnaApiError.fromResponse(403, '');
    expect(blocked).toMatchObject({ status: 403, errorCode: null, errorId: null, errors: [] });
    expect(describeKlarnaError(blocked)).toBe('Klarna answered with an error (HTTP 403).');
    const novel = KlarnaApiError.fromResponse(422, JSON.stringify({ error_code: 'SOMETHING_NEW', error_id: 'e-9' }));
    expect(describeKlarnaError(novel)).toBe(
      'Klarna answered with an error (HTTP 422, SOMETHING_NEW). Klarna error id: e-9.',
    );
  });

  it("classifies each code by the seed's error table when Klarna sends no type: OPERATION_FORBIDDEN is a RESOURCE_ERROR", () => {
    expect(KlarnaApiError.fromResponse(403, JSON.stringify({ error_code: 'OPERATION_FORBIDDEN' })).errorType).toBe(
      'RESOURCE_ERROR',
    );
    expect(KlarnaApiError.fromResponse(404, JSON.stringify({ error_code: 'RESOURCE_NOT_FOUND' })).errorType).toBe(
      'RESOURCE_ERROR',
    );
    expect(KlarnaApiError.fromResponse(400, JSON.stringify({ error_code: 'VALIDATION_ERROR' })).errorType).toBe(
      'INPUT_ERROR',
    );
    expect(KlarnaApiError.fromResponse(401, JSON.stringify({ error_code: 'UNAUTHORIZED' })).errorType).toBe(
      'ACCESS_ERROR',
    );
    // Klarna's own type wins; an unknown code stays unclassified.
    expect(
      KlarnaApiError.fromResponse(
        403,
        JSON.stringify({ error_code: 'OPERATION_FORBIDDEN', error_type: 'ACCESS_ERROR' }),
      ).errorType,
    ).toBe('ACCESS_ERROR');
    expect(KlarnaApiError.fromResponse(422, JSON.stringify({ error_code: 'SOMETHING_NEW' })).errorType).toBeNull();
  });

  it("shows a refusal's text as Klarna's words beside our sentence, saying its amounts are minor units", () => {
    const refused = KlarnaApiError.fromResponse(
      409,
      JSON.stringify({
        error_id: 'e-1',
        error_type: 'RESOURCE_ERROR',
        error_code: 'RESOURCE_CONFLICT',
        error_message: 'Cannot refund 1500: only 500 EUR of the captured amount is left to refund.',
      }),
    );
    expect(describeKlarnaError(refused)).toBe(
      "Klarna refused this because it conflicts with the current state (it may have changed meanwhile). Klarna's words (Klarna writes amounts in minor units: 1500 is 15.00): “Cannot refund 1500: only 500 EUR of the captured amount is left to refund”. Klarna error id: e-1.",
    );
    const forbidden = KlarnaApiError.fromResponse(
      403,
      JSON.stringify({
        error_code: 'OPERATION_FORBIDDEN',
        error_message: 'Account X was not onboarded by this partner.',
      }),
    );
    expect(describeKlarnaError(forbidden)).toBe(
      "Klarna refused this: the API key may not do this to this resource. Klarna's words: “Account X was not onboarded by this partner”.",
    );
  });

  it('marks rate limits and server errors as retryable', () => {
    expect(KlarnaApiError.fromResponse(429, '{"error_code":"RATE_LIMITED"}').retryable).toBe(true);
    expect(KlarnaApiError.fromResponse(503, '').retryable).toBe(true);
    expect(KlarnaApiError.fromResponse(409, '{"error_code":"RESOURCE_CONFLICT"}').retryable).toBe(false);
  });

  it('says a timeout has an unknown outcome that is safe to retry', () => {
    expect(describeKlarnaError(new KlarnaNetworkError('timeout', 'timed out'))).toMatch(
      /outcome is unknown; retrying is safe/,
    );
  });
});

describe('idempotency keys', () => {
  it('are UUIDv5, the same for the same intent and different for any other', () => {
    const intent = { operation: 'capture', target: 'krn:txn:1', nonce: 'form-abc' };
    const key = idempotencyKey(intent);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idempotencyKey({ ...intent })).toBe(key);
    expect(idempotencyKey({ ...intent, nonce: 'form-abd' })).not.toBe(key);
    expect(idempotencyKey({ ...intent, operation: 'refund' })).not.toBe(key);
    expect(idempotencyKey({ operation: 'a|b', target: 'c', nonce: 'n' })).not.toBe(
      idempotencyKey({ operation: 'a', target: 'b|c', nonce: 'n' }),
    );
  });

  it('refuse an intent without a nonce, which would merge distinct intents', () => {
    expect(() => idempotencyKey({ operation: 'capture', target: 't', nonce: '' })).toThrow(/non-empty nonce/);
  });
});
