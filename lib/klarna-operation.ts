import 'server-only';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { recordAudit, recordAuditOnce, withAddition, type AuditAction, type AuditAddition } from '@/lib/audit';
import { assertCan } from '@/lib/auth/guard';
import type { Capability } from '@/lib/auth/roles';
import type { ServiceContext } from '@/lib/context';
import { klarnaFor } from '@/lib/credentials/connection';
import { KlarnaRefusedError, type FieldMap } from '@/lib/errors';
import type { KlarnaApi } from '@/lib/klarna/api';
import { isOutcomeUnknown } from '@/lib/klarna/errors';
import { idempotencyKey } from '@/lib/klarna/idempotency';

/** Every change sent to Klarna from a form carries a per-form intent id, so a double submit reaches Klarna once. */
export const intentSchema = z.uuid('missing form intent id');

export const klarnaPaths: FieldMap = (parameter) => parameter;

type AuditTarget = { type: string; id: string };

export type OperationIntent = { operation: string; target: string; nonce: string };

type Common<T> = {
  capability: Capability;
  /** The system (no actor: jobs, webhooks) may run it too; a person still needs the capability. */
  system?: boolean;
  /** The audit entry of a success and of a refusal; null: this run writes none (a system job's housekeeping). */
  audit: { action: AuditAction; target?: AuditTarget; details?: Record<string, unknown> } | null;
  fields?: FieldMap;
  klarna?: () => KlarnaApi | Promise<KlarnaApi>;
  /** Runs in the audit entry's transaction; its return is added to the entry. Once per key: a replay writes nothing. */
  record?: (result: T, tx: Db) => Promise<AuditAddition | void>;
};

/** The call itself: with an intent it gets the intent's idempotency key; without (a DELETE, a cancel) none. */
export type KlarnaCall<T> =
  | { intent: OperationIntent; call: (api: KlarnaApi, idempotencyKey: string) => Promise<T> }
  | { intent?: undefined; call: (api: KlarnaApi) => Promise<T> };

type Keyed<T> = Common<T> & Extract<KlarnaCall<T>, { intent: OperationIntent }>;

/** An area's rule for a lost answer (design.md, "Idempotency"): the wrapper runs it around the call; the area
 * keeps its own record of pending intents. */
export type UnknownOutcome<R> = {
  inFlightKey: string;
  /** Settle earlier lost intents and pick the nonce (the same waiting intent keeps its key), noting the intent as
   * sending under `keyFor(nonce)`; or answer now without calling Klarna. */
  begin: (api: KlarnaApi, keyFor: (nonce: string) => string) => Promise<{ key: string } | { settled: R }>;
  answered: (key: string) => Promise<void>;
  /** Klarna may have acted and the answer was lost: note it, read Klarna back, and say what it came to. */
  lost: (key: string, error: KlarnaRefusedError) => Promise<R>;
};

export type KlarnaOperationSpec<T> = Common<T> & KlarnaCall<T>;

export type Done<T> = { status: 'done'; result: T };

/** The one path of a change at Klarna: guard → idempotency key → call → typed error with field paths → cache,
 * timeline and audit in one transaction; a refusal is audited with Klarna's error id and nothing is recorded.
 * With `unknownOutcome`, a lost answer is resolved by the area's read instead of failing. */
export async function klarnaOperation<T>(ctx: ServiceContext, spec: KlarnaOperationSpec<T>): Promise<T>;
export async function klarnaOperation<T, R>(
  ctx: ServiceContext,
  spec: Keyed<T>,
  unknownOutcome: UnknownOutcome<R>,
): Promise<Done<T> | R>;
export async function klarnaOperation<T, R>(
  ctx: ServiceContext,
  spec: KlarnaOperationSpec<T>,
  unknownOutcome?: UnknownOutcome<R>,
): Promise<T | Done<T> | R> {
  if (!(spec.system && ctx.actor === null)) assertCan(ctx.actor, spec.capability);
  if (!unknownOutcome) {
    const api = await (spec.klarna?.() ?? klarnaFor(ctx.db, ctx.settings));
    const key = spec.intent ? idempotencyKey(spec.intent) : undefined;
    const result = await send(ctx, spec, api, key);
    await recordSuccess(ctx, spec, result, key);
    return result;
  }
  if (!spec.intent) throw new Error('an operation with an unknown-outcome rule needs an intent');
  return once(unknownOutcome.inFlightKey, () => withUnknownOutcome(ctx, spec as Keyed<T>, unknownOutcome));
}

async function withUnknownOutcome<T, R>(
  ctx: ServiceContext,
  spec: Keyed<T>,
  rule: UnknownOutcome<R>,
): Promise<Done<T> | R> {
  const api = await (spec.klarna?.() ?? klarnaFor(ctx.db, ctx.settings));
  const begun = await rule.begin(api, (nonce) => idempotencyKey({ ...spec.intent, nonce }));
  if ('settled' in begun) return begun.settled;
  const { key } = begun;
  let result: T;
  try {
    result = await spec.call(api, key);
  } catch (error) {
    // Not Klarna's (a bug, a crash): the intent stays `sending` and is taken for lost later.
    if (!(error instanceof KlarnaRefusedError)) throw error;
    if (!isOutcomeUnknown(error.klarnaError)) {
      await rule.answered(key);
      throw await refused(ctx, spec, error, key);
    }
    return rule.lost(key, error);
  }
  await rule.answered(key);
  await recordSuccess(ctx, spec, result, key);
  return { status: 'done', result };
}

async function send<T>(
  ctx: ServiceContext,
  spec: KlarnaOperationSpec<T>,
  api: KlarnaApi,
  key: string | undefined,
): Promise<T> {
  try {
    return spec.intent ? await spec.call(api, key!) : await spec.call(api);
  } catch (error) {
    if (error instanceof KlarnaRefusedError) throw await refused(ctx, spec, error, key);
    throw error;
  }
}

/** Audits a refusal (Klarna's error id, nothing recorded) and gives the error with the form's fields. */
async function refused<T>(
  ctx: ServiceContext,
  spec: KlarnaOperationSpec<T>,
  error: KlarnaRefusedError,
  key: string | undefined,
): Promise<KlarnaRefusedError> {
  const shown = spec.fields ? error.withFields(spec.fields) : error;
  if (spec.audit)
    await recordAudit(ctx.db, {
      actor: ctx.actor ?? 'system',
      action: spec.audit.action,
      target: spec.audit.target,
      outcome: 'failure',
      details: { ...spec.audit.details, error: shown.message },
      requestId: ctx.requestId,
      klarnaErrorId: shown.klarnaErrorId,
      idempotencyKey: key,
    });
  return shown;
}

/** Klarna's answer and the audit entry in one transaction; under a key only for the first answer. */
async function recordSuccess<T>(
  ctx: ServiceContext,
  spec: KlarnaOperationSpec<T>,
  result: T,
  key: string | undefined,
): Promise<void> {
  const record = spec.record && ((tx: Db) => spec.record!(result, tx));
  if (!spec.audit) {
    if (record) await ctx.db.transaction(record);
    return;
  }
  const entry = {
    actor: ctx.actor ?? ('system' as const),
    action: spec.audit.action,
    target: spec.audit.target,
    details: spec.audit.details,
    requestId: ctx.requestId,
  };
  if (key) {
    await recordAuditOnce(ctx.db, { ...entry, idempotencyKey: key }, record);
    return;
  }
  await ctx.db.transaction(async (tx) => {
    const addition = await record?.(tx);
    await recordAudit(tx, withAddition(entry, addition));
  });
}

// Concurrent submissions of one intent in this process share the first's outcome (Klarna would only
// replay it); other instances send under the same key and the audit is still written once.
const inFlight = new Map<string, Promise<unknown>>();
function once<T>(key: string, run: () => Promise<T>): Promise<T> {
  const running = inFlight.get(key);
  if (running) return running as Promise<T>;
  const call = run().finally(() => inFlight.delete(key));
  inFlight.set(key, call);
  return call;
}
