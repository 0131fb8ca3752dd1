import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SettlementImportRow } from '@/db/schema';
import { KlarnaApiError, KlarnaNetworkError } from '@/lib/klarna/errors';
import { OutcomeUnknownError } from '@/lib/payments/service';
import { DuplicateImportError, UploadStalledError, UploadTooLargeError } from '@/lib/settlements/import';
import { SettlementFileError } from '@/lib/settlements/parse';
import {
  type AppError,
  ConflictError,
  errorKinds,
  ForbiddenError,
  InputError,
  KlarnaNotConfiguredError,
  KlarnaRefusedError,
  NotFoundError,
  toResponse,
  UnauthenticatedError,
  type ErrorKind,
} from './errors';

type Body = { error: Record<string, unknown> };
const answer = async (error: unknown) => {
  const response = toResponse(error);
  return { status: response.status, body: (await response.json()) as Body };
};

const refusal = (status: number, body: Record<string, unknown>) =>
  new KlarnaRefusedError(new KlarnaApiError({ status, body }), (p) => p);

afterEach(() => vi.restoreAllMocks());

describe('toResponse', () => {
  const cases: Record<ErrorKind, { error: AppError; status: number; body: Record<string, unknown> }> = {
    validation: {
      error: new InputError('Some values need fixing.', { 'line_items[0].quantity': ['must be at least 1'] }),
      status: 400,
      body: {
        code: 'invalid_input',
        message: 'Some values need fixing.',
        fields: { 'line_items[0].quantity': ['must be at least 1'] },
      },
    },
    unauthenticated: {
      error: new UnauthenticatedError(),
      status: 401,
      body: { code: 'unauthenticated', message: 'Your session has ended. Sign in again.' },
    },
    forbidden: {
      error: new ForbiddenError('Your role (Viewer) may not do this.'),
      status: 403,
      body: { code: 'forbidden', message: 'Your role (Viewer) may not do this.' },
    },
    not_found: {
      error: new NotFoundError('No such import.'),
      status: 404,
      body: { code: 'not_found', message: 'No such import.' },
    },
    timeout: {
      error: new UploadStalledError(),
      status: 408,
      body: { code: 'stalled', message: expect.stringContaining('The upload stalled for more than 10 minutes') },
    },
    conflict: {
      error: new ConflictError('This was already resolved.'),
      status: 409,
      body: { code: 'conflict', message: 'This was already resolved.' },
    },
    too_large: {
      error: new UploadTooLargeError('The file is larger than 20 GB.'),
      status: 413,
      body: { code: 'too_large', message: 'The file is larger than 20 GB.' },
    },
    klarna_refused: {
      error: refusal(409, {
        error_id: 'err-1',
        error_code: 'RESOURCE_CONFLICT',
        error_message: 'Cannot capture 1500: only 500 left',
        errors: [{ parameter: 'amount', error_message: 'too high' }],
      }),
      status: 422,
      body: {
        code: 'resource_conflict',
        klarnaErrorId: 'err-1',
        klarnaErrorCode: 'RESOURCE_CONFLICT',
        klarnaMessage: 'Cannot capture 1500: only 500 left',
        message: expect.stringContaining('Klarna error id: err-1.'),
        fields: { amount: ['too high'] },
      },
    },
    rate_limited: {
      error: refusal(429, { error_id: 'err-2', error_code: 'RATE_LIMITED' }),
      status: 429,
      body: {
        code: 'rate_limited',
        klarnaErrorId: 'err-2',
        klarnaErrorCode: 'RATE_LIMITED',
        message: expect.stringContaining('too many requests'),
      },
    },
    klarna_not_configured: {
      error: new KlarnaNotConfiguredError('test'),
      status: 503,
      body: {
        code: 'klarna_not_configured',
        message: expect.stringContaining('No Klarna API key is active for the test environment'),
      },
    },
    outcome_unknown: {
      error: new OutcomeUnknownError('Klarna could not be read; nobody may act on this payment yet.'),
      status: 503,
      body: { code: 'outcome_unknown', message: 'Klarna could not be read; nobody may act on this payment yet.' },
    },
    unavailable: {
      error: new KlarnaRefusedError(new KlarnaNetworkError('network', 'connect ECONNREFUSED 10.0.0.7:443')),
      status: 503,
      body: { code: 'klarna_unreachable', message: expect.stringContaining('Klarna could not be reached') },
    },
  };

  it('has a case below for every kind', () => {
    expect(Object.keys(cases).sort()).toEqual([...errorKinds].sort());
  });

  for (const [kind, { error, status, body }] of Object.entries(cases)) {
    it(`answers a ${kind} error with HTTP ${status} and its own words`, async () => {
      expect(error.kind).toBe(kind);
      const got = await answer(error);
      expect(got.status).toBe(status);
      expect(got.body.error).toEqual(body);
    });
  }

  it('answers a network failure with no internal detail (no host or port)', async () => {
    const { body } = await answer(cases.unavailable.error);
    expect(JSON.stringify(body)).not.toContain('10.0.0.7');
  });

  it('answers a lost Klarna answer as an unknown outcome, not as a refusal', async () => {
    const lost = new KlarnaRefusedError(
      new KlarnaApiError({ status: 500, body: { error_code: 'INTERNAL_ERROR' }, outcomeUnknown: true }),
    );
    expect(lost.kind).toBe('outcome_unknown');
    expect((await answer(lost)).status).toBe(503);
  });

  it('keeps the settlement upload answers the upload panel reads: a duplicate with its import id, an unreadable file as 400', async () => {
    const existing = {
      id: '9f0c8d7e-1111-4222-8333-444455556666',
      createdAt: new Date('2026-03-01T09:30:00Z'),
      uploadedByEmail: 'op@example.com',
      source: 'upload',
    } as SettlementImportRow;
    const duplicate = await answer(new DuplicateImportError(existing));
    expect(duplicate).toEqual({
      status: 409,
      body: {
        error: {
          code: 'duplicate',
          importId: existing.id,
          message: 'This file was already imported on 2026-03-01 09:30 UTC by op@example.com.',
        },
      },
    });
    const notCsv = await answer(new SettlementFileError('not_csv', 'This is not a settlement report.'));
    expect(notCsv).toEqual({
      status: 400,
      body: { error: { code: 'not_csv', message: 'This is not a settlement report.' } },
    });
  });

  it('answers an unexpected error with 500 and a reference, logged, never its own text', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { status, body } = await answer(
      new Error('relation "settlement_lines" does not exist at /srv/app/lib/db.ts'),
    );
    expect(status).toBe(500);
    expect(body.error).toEqual({
      code: 'internal',
      message: `Something went wrong (ref ${String(body.error.ref)}).`,
      ref: expect.stringMatching(/^[0-9a-f]{8}$/),
    });
    expect(JSON.stringify(body)).not.toMatch(/settlement_lines|\/srv\//);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(`ref=${String(body.error.ref)}`), expect.any(Error));
  });

  it('answers an unexpected error with the caller’s own sentence when it gives one, with the request id in the log', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = toResponse(new Error('socket hang up'), {
      requestId: 'req-12345678',
      unexpected: { code: 'upload_failed', message: 'The upload failed; nothing was imported.' },
    });
    const body = (await response.json()) as Body;
    expect(response.status).toBe(500);
    expect(body.error).toMatchObject({ code: 'upload_failed', message: 'The upload failed; nothing was imported.' });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('request=req-12345678'), expect.any(Error));
  });
});
