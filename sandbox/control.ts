import type { Hono } from 'hono';
import { z } from 'zod';
import { eventTypePatternSchema } from '../lib/klarna/schemas/webhooks';
import { parseWith, sandboxErrors } from './errors';
import { faultConfigSchema, faultRuleSchema } from './faults';
import { rateLimitChangeSchema } from './rate-limit';
import { createCredential } from './routes/credentials';
import { defaultDistributionProfile } from './state/account-config';
import {
  changeAccountState,
  changeProductState,
  createAccount,
  getOwn,
  publicAccount,
  publicProduct,
} from './state/accounts';
import { ids } from './state/ids';
import type { SandboxRuntime } from './runtime';
import { jsonResponse, readJsonBody, type SandboxEnv } from './http';
import type { DeliveryRecord } from './state/types';
import { paymentRequestCreateSchema } from '../lib/klarna/schemas/payments';
import {
  confirmPaymentRequest,
  createPaymentRequest,
  expirePaymentRequestNow,
  expireTransactionNow,
  finishShopperFlow,
  getPaymentRequestOrThrow,
  getTransactionOrThrow,
  publicPaymentRequest,
  publicTransaction,
  redirectUrlFor,
} from './state/payments';
import {
  addSettlementAdjustment,
  closeSettlementPeriodNow,
  publicSettlement,
  settlementDiscrepancyKinds,
} from './state/settlements';
import type { SettlementRecord } from './state/types';
import { cancellationReasonCodes, rsaPublicJwkSchema } from '../lib/klarna/schemas/cards';
import { cardScope, deactivateCardKey, enrolCardKey, publicCardKey, rejectPendingCancellation } from './state/cards';

const clockChangeSchema = z.union([
  z.strictObject({ advance_seconds: z.number().min(0) }),
  z.strictObject({ now: z.iso.datetime({ offset: true }) }),
]);
const timeScaleSchema = z.strictObject({ scale: z.number().positive() });
const emitSchema = z.strictObject({
  event_type: eventTypePatternSchema.refine((v) => !v.includes('*'), 'an event type, not a pattern'),
  account_id: z.string().min(1).nullish(),
  product_instance_id: z.string().min(1).nullish(),
  payload: z.record(z.string(), z.unknown()).default({}),
  webhook_id: z.string().min(1).optional(),
});

const accountStateSchema = z.strictObject({ state: z.enum(['OPERATIONAL', 'DISABLED']) });
const productStateSchema = z.strictObject({ state: z.enum(['ENABLED', 'DISABLED', 'TERMINATED']) });
const activationDelaySchema = z.strictObject({
  ms: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600 * 1000),
});
const closeSettlementSchema = z.strictObject({
  discrepancies: z.array(z.enum(settlementDiscrepancyKinds)).max(50).default([]),
});
const cardKeyEnrolSchema = z.strictObject({
  jwk: rsaPublicJwkSchema,
  /** The merchant account the key is for; none: the partner itself. */
  account_id: z.string().min(1).optional(),
});
const cancelDecisionSchema = z.strictObject({
  outcome: z.literal('reject'),
  reason_code: z.enum(cancellationReasonCodes),
  reason_message: z.string().min(1).max(500),
});
const settlementAdjustmentSchema = z.strictObject({
  payment_transaction_id: z.string().min(1),
  type: z.enum(['DISCOUNT', 'PENALTY', 'DISPUTE']),
  amount: z.number().int().min(1),
});

/** A delivery as the control API shows it: everything but the signing key. */
export function publicDelivery(d: DeliveryRecord) {
  const { signing_key: _secret, next_attempt_at_ms, ...rest } = d;
  return { ...rest, next_attempt_at: next_attempt_at_ms === null ? null : new Date(next_attempt_at_ms).toISOString() };
}

/**
 * The sandbox's own control API under `/_sandbox` (no auth, no rate limits, no faults): what
 * tests and the dashboard's dev tooling use to set the stage. See sandbox/README.md.
 */
export function registerControlRoutes(app: Hono<SandboxEnv>, sandbox: SandboxRuntime): void {
  const ok = (body: unknown, status = 200) => jsonResponse({ status, body });
  const config = () => ({
    partner_account_id: sandbox.store.partnerAccountId,
    persistent: sandbox.store.dataDir !== null,
    data_dir: sandbox.store.dataDir,
    now: sandbox.clock.iso(),
    faults: sandbox.faults.get(),
    rate_limits: sandbox.rateLimiter.get(),
    webhook_time_scale: sandbox.dispatcher.timeScale,
    account_activation_ms: sandbox.accountActivationMs,
  });
  const clock = () => ({ now: sandbox.clock.iso(), offset_ms: sandbox.clock.offset });

  app.get('/_sandbox', () => ok(config()));
  app.post('/_sandbox/reset', async () => {
    await sandbox.reset();
    return ok(config());
  });

  app.get('/_sandbox/clock', () => ok(clock()));
  app.post('/_sandbox/clock', async (c) => {
    const change = parseWith(clockChangeSchema, await readJsonBody(c));
    if ('advance_seconds' in change) sandbox.clock.advance(change.advance_seconds);
    else sandbox.clock.set(new Date(change.now));
    sandbox.clampPendingActivations();
    sandbox.store.changed();
    sandbox.dispatcher.kick();
    // Activations and payment expiries due by the new time happen now, not at the next tick.
    sandbox.activateDueAccounts();
    sandbox.expireDuePayments();
    sandbox.closeDueSettlements();
    return ok(clock());
  });

  app.get('/_sandbox/faults', () => ok(sandbox.faults.get()));
  app.put('/_sandbox/faults', async (c) =>
    ok(sandbox.faults.set(parseWith(faultConfigSchema.partial(), await readJsonBody(c)))),
  );
  app.post('/_sandbox/faults/rules', async (c) =>
    ok(sandbox.faults.addRule(parseWith(faultRuleSchema, await readJsonBody(c)))),
  );

  app.get('/_sandbox/rate-limits', () => ok(sandbox.rateLimiter.get()));
  app.put('/_sandbox/rate-limits', async (c) =>
    ok(sandbox.rateLimiter.set(parseWith(rateLimitChangeSchema, await readJsonBody(c)))),
  );

  app.get('/_sandbox/webhook-time-scale', () => ok({ scale: sandbox.dispatcher.timeScale }));
  app.put('/_sandbox/webhook-time-scale', async (c) => {
    sandbox.dispatcher.setTimeScale(parseWith(timeScaleSchema, await readJsonBody(c)).scale);
    return ok({ scale: sandbox.dispatcher.timeScale });
  });

  // Stands in for "Klarna gives you the first API key through a secure link" (seed, step 1).
  app.post('/_sandbox/bootstrap-key', () => {
    const created = createCredential(sandbox.store, sandbox.clock.iso(), {
      type: 'API',
      environment: 'TEST',
      description: 'Initial API key',
    });
    return ok({ credential_id: created.credential_id, api_key: created.secret }, 201);
  });

  app.get('/_sandbox/deliveries', (c) => {
    const eventId = c.req.query('event_id');
    const webhookId = c.req.query('webhook_id');
    const deliveries = Object.values(sandbox.store.data.deliveries)
      .filter((d) => (!eventId || d.event_id === eventId) && (!webhookId || d.webhook_id === webhookId))
      .map(publicDelivery);
    return ok({ deliveries });
  });

  app.post('/_sandbox/events', async (c) => {
    const input = parseWith(emitSchema, await readJsonBody(c));
    if (input.webhook_id && !sandbox.store.data.webhooks[input.webhook_id])
      throw sandboxErrors.resourceNotFound(`Webhook ${input.webhook_id}`);
    const { webhook_id, ...event } = input;
    return ok(sandbox.emitEvent(event, { webhookId: webhook_id }), 201);
  });

  // Klarna's side of merchant accounts: what only Klarna does (sandbox/README.md, "Merchant accounts").
  const account = (id: string) => {
    const found = getOwn(sandbox.store.data.accounts, id);
    if (!found) throw sandboxErrors.resourceNotFound(`Account ${id}`);
    return found;
  };
  app.post('/_sandbox/accounts/activation-delay', async (c) => {
    sandbox.setAccountActivationMs(parseWith(activationDelaySchema, await readJsonBody(c)).ms);
    return ok({ ms: sandbox.accountActivationMs });
  });
  app.post('/_sandbox/accounts/foreign', () => {
    // Onboarded by another partner: this partner's calls about it get 403.
    const created = createAccount(
      sandbox,
      {
        account_reference: 'FOREIGN-1',
        account_name: 'Another partner’s merchant',
        account_owner: { given_name: 'Alex', family_name: 'Doe', email: 'alex.doe@example.com', phone: '+18445527621' },
        products: [
          {
            type: 'PAYMENT',
            merchant_category_code: '5999',
            distribution_profile_id: defaultDistributionProfile.distribution_profile_id,
          },
        ],
        channel: { websites: [{ urls: ['https://another-partner-merchant.example'] }] },
      },
      { onboardedBy: ids.partnerAccount(), operational: true },
    );
    return ok({ account_id: created.account_id }, 201);
  });
  app.post('/_sandbox/accounts/:account_id/state', async (c) => {
    const target = account(c.req.param('account_id'));
    const { state } = parseWith(accountStateSchema, await readJsonBody(c));
    changeAccountState(sandbox, target, state);
    return ok(publicAccount(target));
  });
  app.post('/_sandbox/accounts/:account_id/product-state', async (c) => {
    const target = account(c.req.param('account_id'));
    const { state } = parseWith(productStateSchema, await readJsonBody(c));
    if (state === 'ENABLED' && target.state === 'DISABLED') {
      throw sandboxErrors.conflict(
        `Account ${target.account_id} is DISABLED; make it OPERATIONAL before enabling its product.`,
      );
    }
    changeProductState(sandbox, target, state, 'KLARNA');
    return ok(publicProduct(target.product));
  });

  // The shopper's and Klarna's side of payments (sandbox/README.md, "Payments").
  const paymentRequest = (id: string) => {
    const found = getOwn(sandbox.store.data.payment_requests, id);
    if (!found) throw sandboxErrors.resourceNotFound(`Payment request ${id}`);
    return getPaymentRequestOrThrow(sandbox, found.account_id, id);
  };
  const transaction = (id: string) => {
    const found = getOwn(sandbox.store.data.payment_transactions, id);
    if (!found) throw sandboxErrors.resourceNotFound(`Payment transaction ${id}`);
    return getTransactionOrThrow(sandbox, found.account_id, id);
  };
  for (const decision of ['approve', 'deny'] as const) {
    app.post(`/_sandbox/payment-requests/:id/${decision}`, (c) => {
      const record = paymentRequest(c.req.param('id'));
      const redirect = finishShopperFlow(sandbox, record, decision);
      return ok({ payment_request: publicPaymentRequest(record), redirect_url: redirect });
    });
  }
  app.post('/_sandbox/payment-requests/:id/expire', (c) => {
    const record = paymentRequest(c.req.param('id'));
    expirePaymentRequestNow(sandbox, record);
    return ok({ payment_request: publicPaymentRequest(record), redirect_url: redirectUrlFor(record) });
  });
  app.post('/_sandbox/payment-transactions/:id/expire', (c) => {
    const record = transaction(c.req.param('id'));
    expireTransactionNow(sandbox, record);
    return ok(publicTransaction(record));
  });
  // Klarna's side of settlements (sandbox/README.md, "Settlements").
  const settlementView = (s: SettlementRecord) => publicSettlement(s, sandbox.clock.nowMs());
  app.post('/_sandbox/settlements/close', async (c) => {
    const { discrepancies } = parseWith(closeSettlementSchema, await readJsonBody(c));
    const { settlements, injected } = closeSettlementPeriodNow(sandbox, discrepancies);
    return ok({ settlements: settlements.map(settlementView), injected }, 201);
  });
  app.post('/_sandbox/settlements/adjustments', async (c) =>
    ok(addSettlementAdjustment(sandbox, parseWith(settlementAdjustmentSchema, await readJsonBody(c))), 201),
  );
  app.get('/_sandbox/settlements', () =>
    ok({
      settlements: Object.values(sandbox.store.data.settlements).map((s) => ({
        ...settlementView(s),
        closed_early: s.closed_early,
        injected: s.injected,
      })),
    }),
  );

  // The Merchant Card Service's public-key enrolment: a step with Klarna in the seed (000), an API
  // here, marked ours in docs/klarna-decisions.md ("Virtual cards").
  app.post('/_sandbox/merchantcard/keys', async (c) => {
    const input = parseWith(cardKeyEnrolSchema, await readJsonBody(c));
    const key = enrolCardKey(sandbox, input.jwk, cardScope(sandbox, input.account_id ?? null));
    return ok(publicCardKey(key), 201);
  });
  app.get('/_sandbox/merchantcard/keys', () =>
    ok({ keys: Object.values(sandbox.store.data.card_keys).map(publicCardKey) }),
  );
  app.post('/_sandbox/merchantcard/keys/:key_id/deactivate', (c) =>
    ok(publicCardKey(deactivateCardKey(sandbox, c.req.param('key_id')))),
  );
  // Klarna's decision on a pending cancellation: rejected with this reason once check_after passes.
  app.post('/_sandbox/merchantcard/orders/:order_id/cancel-decision', async (c) => {
    const { reason_code, reason_message } = parseWith(cancelDecisionSchema, await readJsonBody(c));
    const decided = rejectPendingCancellation(sandbox, c.req.param('order_id'), { reason_code, reason_message });
    return ok({ status: decided.status, check_after: decided.check_after, reject_with: decided.reject_with });
  });

  // Create, approve and confirm in one call: an AUTHORIZED transaction for tests and demo data.
  app.post('/_sandbox/accounts/:account_id/authorized-payments', async (c) => {
    const target = account(c.req.param('account_id'));
    const input = parseWith(paymentRequestCreateSchema, await readJsonBody(c));
    const origin = new URL(c.req.url).origin;
    const request = createPaymentRequest(sandbox, target, input, origin);
    finishShopperFlow(sandbox, request, 'approve');
    if (request.state !== 'PENDING_CONFIRMATION')
      throw sandboxErrors.conflict(
        `Payment request ${request.payment_request_id} was ${request.state} by the shopper.`,
      );
    confirmPaymentRequest(sandbox, target.account_id, request.payment_confirmation_token!, {
      currency: input.currency,
      payment_amount: input.payment_amount,
    });
    return ok(
      {
        payment_request: publicPaymentRequest(request),
        payment_transaction: publicTransaction(transaction(request.payment_transaction_id!)),
      },
      201,
    );
  });
}
