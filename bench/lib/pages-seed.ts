/**
 * The data bench:pages measures the dashboard on (issue 18), seeded set-based and deterministic
 * (`setseed`) on one connection: 2,000 merchant accounts (the ones the payments seed spreads its
 * transactions over), `rows` payment transactions (bench/lib/payments-seed.ts), a timeline for
 * one transaction in ten, 25 weekly EUR payouts — the latest of `rows` lines (one per
 * transaction), 24 older ones of rows / 200 lines — with verdicts mostly matched, `rows` / 5
 * webhook events, `rows` / 5 Klarna API requests and `rows` / 10 audit rows. Everything is dated
 * inside the server's retention windows, so its pruning job deletes nothing while the bench runs.
 */
import postgres from 'postgres';
import { ACCOUNTS, accountIdSql, seedPayments, transactionIdSql } from './payments-seed';

const BATCH = 250_000;
export const PAYOUTS = 25;
export const payoutId = (i: number) => `BENCH-PAYOUT-${String(i).padStart(2, '0')}`;

export type PagesSeed = {
  payments: number;
  merchants: number;
  timeline: number;
  payoutLines: number;
  settlementLines: number;
  events: number;
  apiRequests: number;
  audit: number;
};

/** $1 now. Names like "Nordic Books 17", created over the last ~2 years. */
const MERCHANTS_SQL = `
insert into merchant_accounts (account_id, account_reference, account_name, state, product_instance_id, product_state,
  mcc, price_plan_id, channels_count, account_owner, klarna, klarna_created_at, state_changed_at, last_synced_at,
  created_at, updated_at)
select ${accountIdSql('n')}, 'merchant-' || n, name,
  case when n % 50 = 7 then 'DISABLED' when n % 10 = 3 then 'PARTIALLY_OPERATIONAL' else 'OPERATIONAL' end,
  'krn:partner:global:account:product-instance:' || md5('product-' || n)::uuid,
  case when n % 50 = 7 then 'DISABLED' else 'ENABLED' end,
  (array['5411','5651','5732','5812','5942','5999'])[1 + n % 6],
  'krn:partner:global:price-plan:' || md5('plan-' || (n % 5))::uuid, 1 + n % 3,
  jsonb_build_object('email', 'owner-' || n || '@example.com', 'given_name', 'Owner', 'family_name', 'No. ' || n),
  jsonb_build_object('account_id', ${accountIdSql('n')}, 'account_reference', 'merchant-' || n, 'account_name', name,
    'state', 'OPERATIONAL', 'created_at', created,
    'business', jsonb_build_object('legal_name', name || ' AB', 'registration_number', lpad(n::text, 10, '0'),
      'address', jsonb_build_object('street', n || ' Main Street', 'city', 'Stockholm', 'postal_code', '111 22', 'country', 'SE'))),
  created, created, $1::timestamptz, created, created
from generate_series(0, ${ACCOUNTS - 1}) n
cross join lateral (select
  (array['Nordic','Alpine','Urban','Coastal','Golden','Bright','Silver','Green'])[1 + n % 8] || ' ' ||
  (array['Outfitters','Books','Coffee','Electronics','Furniture','Garden','Sports','Toys','Fashion','Pharmacy'])[1 + (n / 8) % 10] ||
  ' ' || n as name,
  date_trunc('milliseconds', $1::timestamptz - interval '760 days' * (1 - n::float / ${ACCOUNTS})) as created) m`;

/** Authorized, captured and refunded entries for one transaction in ten (~2 rows each). */
const TIMELINE_SQL = `
insert into payment_timeline (payment_transaction_id, payment_request_id, occurred_at, source, kind, summary, amount,
  currency, event_id, details)
select t.payment_transaction_id, t.payment_request_id, t.klarna_created_at + (k - 1) * interval '1 hour', 'webhook',
  (array['state-change.authorized','state-change.captured','refund'])[k],
  (array['Authorized','Captured','Refunded'])[k],
  (array[t.authorized_amount, t.captured_amount, t.refunded_amount])[k], t.currency,
  md5('timeline-' || t.payment_transaction_id || '-' || k)::uuid::text, '{}'::jsonb
from payment_transactions t cross join generate_series(1, 3) k
where abs(hashtext(t.payment_transaction_id)) % 10 = 0
  and (k = 1 or (k = 2 and t.captured_amount > 0) or (k = 3 and t.refunded_amount > 0))`;

/** $1 now, $2 lines of the latest payout, $3 lines of each older one. Payout i ends i weeks before yesterday. */
const IMPORTS_SQL = `
insert into settlement_imports (id, source, file_name, sha256, size_bytes, klarna_settlement_id, status, bytes_read,
  lines_read, lines_imported, created_at, started_at, finished_at, updated_at, attempts)
select md5('import-' || i)::uuid, 'upload', 'settlement-' || to_char(period_end, 'YYYY-MM-DD') || '.csv',
  md5('file-' || i) || md5('file-b-' || i), lines * 400, 'BENCH-PAYOUT-' || lpad(i::text, 2, '0'), 'done', lines * 400,
  lines, lines, period_end + interval '1 day', period_end + interval '1 day',
  period_end + interval '1 day 2 minutes', period_end + interval '1 day 2 minutes', 1
from generate_series(0, ${PAYOUTS - 1}) i
cross join lateral (select case when i = 0 then $2::int else $3::int end as lines,
  date_trunc('day', $1::timestamptz) - interval '1 day' - i * interval '7 days' as period_end) p`;

/**
 * The lines for n = $2 … $3 of payout $1, whose first line is n = $5: one per transaction (n
 * wrapping at $4), sales (93 %) and returns, fees at 2.99 % + 30, verdicts 98.5 % matched, the rest
 * amount / fee / currency mismatches, unknown captures and duplicates.
 */
const LINES_SQL = `
insert into settlement_lines (import_id, line_no, settlement_id, type, payment_transaction_id, payment_capture_id,
  payment_refund_id, account_id, currency, amount, fee_amount, tax_amount, discount_amount, penalty_amount, net_amount,
  rate_fixed, rate_variable, captured_at, created_at, transaction_created_at, merchant_reference, verdict,
  expected_amount, expected_currency, expected_fee, expected_tax)
select md5('import-' || $1)::uuid, line_no, 'BENCH-PAYOUT-' || lpad($1::text, 2, '0'), type, payment_transaction_id,
  case when type = 'SALE' then 'krn:payment:eu1:capture:' || md5('capture-' || payment_transaction_id)::uuid end,
  case when type = 'RETURN' then 'krn:payment:eu1:refund:' || md5('refund-' || payment_transaction_id)::uuid end,
  account_id, 'EUR', amount, fee, fee / 4, 0, 0, amount - fee - fee / 4, 30, 299, created + interval '1 hour',
  created + interval '1 hour', created, merchant_reference, verdict,
  case when verdict = 'unknown_capture' then null when verdict = 'amount_mismatch' then amount + 100 else amount end,
  case when verdict = 'unknown_capture' then null when verdict = 'currency_mismatch' then 'SEK' else 'EUR' end,
  case when verdict = 'unknown_capture' then null when verdict = 'fee_mismatch' then fee + 7 else fee end,
  case when verdict = 'unknown_capture' then null else fee / 4 end
from (
  select k - $5::int + 1 as line_no, t.payment_transaction_id, t.account_id, t.merchant_reference,
    t.klarna_created_at as created, type,
    case when type = 'SALE' then t.authorized_amount else -greatest(1, t.authorized_amount / 3) end as amount,
    case when type = 'SALE' then round(t.authorized_amount * 0.0299)::bigint + 30 else 0 end as fee,
    case when u < 0.985 then 'matched' when u < 0.99 then 'amount_mismatch' when u < 0.994 then 'fee_mismatch'
         when u < 0.996 then 'currency_mismatch' when u < 0.998 then 'unknown_capture' else 'duplicate' end as verdict
  from (select k, random() as u, case when random() < 0.93 then 'SALE' else 'RETURN' end as type
        from generate_series($2::int, $3::int) k) g
  join payment_transactions t on t.payment_transaction_id = ${transactionIdSql('((g.k - 1) % $4::int + 1)')}
) lines`;

/** Each import's payout, its totals and counts from its lines. */
const SETTLEMENTS_SQL = `
insert into settlements (settlement_id, import_id, currency, period_start, period_end, payout_date, line_count,
  gross_sales, refunds, fees, tax, discounts, penalties, disputes, net, matched_count, adjustment_count, open_count,
  missing_count, reconciled_at)
select i.klarna_settlement_id, i.id, 'EUR', i.created_at - interval '8 days', i.created_at - interval '1 day',
  to_char(i.created_at + interval '1 day', 'YYYY-MM-DD'), l.n, l.gross, l.refunds, l.fees, l.tax, 0, 0, 0, l.net,
  l.matched, l.adjustments, l.n - l.matched, 0, i.finished_at
from settlement_imports i
join (select import_id, count(*)::int as n, coalesce(sum(amount) filter (where type = 'SALE'), 0) as gross,
        coalesce(-sum(amount) filter (where type = 'RETURN'), 0) as refunds, sum(fee_amount) as fees,
        sum(tax_amount) as tax, sum(net_amount) as net,
        count(*) filter (where verdict in ('matched', 'adjustment'))::int as matched,
        count(*) filter (where verdict = 'adjustment')::int as adjustments
      from settlement_lines group by import_id) l on l.import_id = i.id`;

/** What each import keeps per payout, merchant and currency while its file is read (lib/settlements/parse.ts). */
const MERCHANT_TOTALS_SQL = `
insert into settlement_merchant_totals (import_id, settlement_id, account_id, currency, line_count, captured, fees)
select import_id, settlement_id, account_id, currency, count(*)::int,
  coalesce(sum(amount) filter (where type = 'SALE'), 0),
  coalesce(sum(coalesce(fee_amount, 0) + coalesce(tax_amount, 0)), 0)
from settlement_lines where account_id is not null
group by import_id, settlement_id, account_id, currency`;

/**
 * Events $1 … $2 of $3, received over the last 170 days in id order; rejected ones (a tenth of
 * the last 25 days) as the receiver stores them, the rest valid, payment events processed.
 */
const EVENTS_SQL = `
insert into webhook_events (received_at, verdict, reject_reason, status, apply_count, processed_at, event_id,
  event_type, event_version, occurred_at, account_id, webhook_id, correlation_id, live, signing_key_id, source_ip,
  headers, raw_body, body_bytes, body_sha256)
select received, verdict, case when verdict = 'rejected' then 'signature does not match' end,
  case when verdict = 'rejected' then 'rejected' when event_type like 'payment.%' then 'processed' else 'no_handler' end,
  case when verdict = 'valid' and event_type like 'payment.%' then 1 else 0 end,
  case when verdict = 'valid' then received end, case when verdict = 'valid' then event_id end,
  event_type, 'v1', received - interval '2 seconds', account_id, 'krn:partner:global:notification:webhook:bench',
  correlation_id, false, 'krn:partner:global:notification:signing-key:' || md5('signing-key')::uuid,
  '203.0.113.' || (n % 200 + 1),
  jsonb_build_object('content-type', 'application/json', 'user-agent', 'Klarna-Webhooks/1.0',
    'klarna-signature', md5('signature-' || n)),
  body, octet_length(body), encode(sha256(convert_to(body, 'UTF8')), 'hex')
from (
  select *, jsonb_build_object(
      'metadata', jsonb_build_object('event_type', event_type, 'event_id', event_id, 'event_version', 'v1',
        'occurred_at', received, 'correlation_id', correlation_id, 'account_id', account_id, 'live', false),
      'payload', jsonb_build_object('payment_transaction_id', ${transactionIdSql('(n % 100000 + 1)')},
        'state', 'CAPTURED', 'previous_state', 'AUTHORIZED', 'amount', n % 100000, 'currency', 'EUR'))::text as body,
    case when received > $4::timestamptz - interval '25 days' and u < 0.1 then 'rejected' else 'valid' end as verdict
  from (
    select n, random() as u, md5('event-' || n)::uuid::text as event_id, md5('correlation-' || n)::uuid::text as correlation_id,
      date_trunc('milliseconds', $4::timestamptz - interval '170 days' * (1 - n::float / $3::int)) as received,
      (array['payment.transaction.state-change.captured','payment.transaction.state-change.authorized',
        'payment.request.state-change.completed','account.state-change.operational','settlement.created',
        'dispute.state-change.opened'])[1 + floor(random() * 6)::int] as event_type,
      ${accountIdSql(`floor(${ACCOUNTS} * power(random(), 2.5))::int`)} as account_id
    from generate_series($1::int, $2::int) n
  ) draws
) events`;

/** Requests $1 … $2 of $3 to Klarna's API over the last 85 days: mostly 200s, some 4xx/5xx and retries. */
const API_REQUESTS_SQL = `
insert into api_requests (occurred_at, operation, method, path, account_id, attempt, status, duration_ms, error_code,
  error_id, correlation_id, request_body, response_body, personal_data_masked)
select occurred, operation, method,
  case op when 1 then '/v1/accounts/' || account_id when 2 then '/v1/accounts'
    when 3 then '/v1/accounts/' || account_id || '/payment/requests/' || md5('request-' || n)::uuid
    when 4 then '/v1/accounts/' || account_id || '/payment/requests' when 5 then '/v1/accounts/' || account_id
    else '/v1/settlements' end,
  account_id, case when u < 0.02 then 2 else 1 end, status,
  40 + floor(u2 * 400)::int, case when status >= 400 then 'ERROR_' || status end,
  case when status >= 400 then md5('error-' || n)::uuid::text end, md5('api-correlation-' || n)::uuid::text,
  case when method <> 'GET' then jsonb_build_object('merchant_reference', 'order-' || n, 'amount', n % 100000) end,
  jsonb_build_object('account_id', account_id, 'state', 'OPERATIONAL', 'updated_at', occurred), true
from (
  select n, u, u2, op, account_id,
    date_trunc('milliseconds', $4::timestamptz - interval '85 days' * (1 - n::float / $3::int)) as occurred,
    case when u < 0.93 then 200 when u < 0.96 then 404 when u < 0.985 then 429 else 500 end as status,
    (array['accounts.get', 'accounts.list', 'paymentRequests.get', 'paymentRequests.create', 'accounts.update',
      'settlements.list'])[op] as operation,
    (array['GET', 'GET', 'GET', 'POST', 'PATCH', 'GET'])[op] as method
  from (
    select n, random() as u, random() as u2, 1 + floor(random() * 6)::int as op,
      ${accountIdSql(`floor(${ACCOUNTS} * power(random(), 2.5))::int`)} as account_id
    from generate_series($1::int, $2::int) n
  ) draws
) requests`;

/** $1 rows over the last 365 days by 7 operators: the dashboard's actions, mostly successes. */
const AUDIT_SQL = `
insert into audit_log (occurred_at, actor_email, actor_role, action, target_type, target_id, outcome, details,
  request_id)
select date_trunc('milliseconds', $2::timestamptz - interval '365 days' * (1 - n::float / $1::int)),
  'operator-' || (n % 7) || '@example.com', 'operator',
  (array['payments.capture', 'payments.refund', 'merchants.update_account', 'users.create', 'settlements.upload',
    'webhooks.reprocess'])[act], target_type,
  case target_type when 'payment' then ${transactionIdSql('(n % 100000 + 1)')} when 'merchant' then ${accountIdSql(`(n % ${ACCOUNTS})`)}
    else md5('target-' || n)::uuid::text end,
  case when u < 0.97 then 'success' when u < 0.99 then 'failure' else 'denied' end,
  jsonb_build_object('amount', n % 100000, 'note', 'bench row ' || n), md5('request-id-' || n)::uuid::text
from (
  select n, u, act,
    (array['payment', 'payment', 'merchant', 'user', 'settlement_import', 'webhook_event'])[act] as target_type
  from (select n, random() as u, 1 + floor(random() * 6)::int as act from generate_series(1, $1::int) n) picks
) draws`;

async function timed(label: string, work: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await work();
  console.log(`  ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** Runs `text` once per batch of [from, to] over 1 … total, with (from, to, total, ...rest) as parameters. */
async function inBatches(sql: postgres.Sql, text: string, total: number, rest: (string | number)[]): Promise<void> {
  for (let from = 1; from <= total; from += BATCH) {
    const to = Math.min(total, from + BATCH - 1);
    await sql.unsafe(text, [from, to, total, ...rest]);
  }
}

export async function seedPages(url: string, rows: number, nowAt: Date): Promise<PagesSeed> {
  const now = nowAt.toISOString();
  const smallPayout = Math.max(100, Math.floor(rows / 200));
  const events = Math.floor(rows / 5);
  const apiRequests = Math.floor(rows / 5);
  const audit = Math.floor(rows / 10);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`set synchronous_commit = off`;
    await sql`set maintenance_work_mem = '256MB'`;
    await timed(`${ACCOUNTS.toLocaleString('en')} merchant accounts`, () => sql.unsafe(MERCHANTS_SQL, [now]));
    await seedPayments(url, rows, nowAt);
    await sql`select setseed(0.42)`;
    await timed('payment timeline (one transaction in ten)', () => sql.unsafe(TIMELINE_SQL));
    await timed(`settlement imports (${PAYOUTS})`, () => sql.unsafe(IMPORTS_SQL, [now, rows, smallPayout]));
    await timed(`the latest payout's ${rows.toLocaleString('en')} lines`, async () => {
      for (let from = 1; from <= rows; from += BATCH)
        await sql.unsafe(LINES_SQL, [0, from, Math.min(rows, from + BATCH - 1), rows, 1]);
    });
    await timed(`${PAYOUTS - 1} older payouts of ${smallPayout.toLocaleString('en')} lines`, async () => {
      for (let i = 1; i < PAYOUTS; i++) {
        const from = (i - 1) * smallPayout + 1;
        await sql.unsafe(LINES_SQL, [i, from, from + smallPayout - 1, rows, from]);
      }
    });
    await timed('settlements (payouts) from their lines', () => sql.unsafe(SETTLEMENTS_SQL));
    await timed('per-merchant sums of the payouts', () => sql.unsafe(MERCHANT_TOTALS_SQL));
    await timed(`${events.toLocaleString('en')} webhook events`, () => inBatches(sql, EVENTS_SQL, events, [now]));
    await timed(`${apiRequests.toLocaleString('en')} API requests`, () =>
      inBatches(sql, API_REQUESTS_SQL, apiRequests, [now]),
    );
    await timed(`${audit.toLocaleString('en')} audit rows`, () => sql.unsafe(AUDIT_SQL, [audit, now]));
    await timed('vacuum analyze', () => sql`vacuum analyze`);
    const [counts] = await sql<PagesSeed[]>`select
      (select count(*)::int from payment_transactions) as payments,
      (select count(*)::int from merchant_accounts) as merchants,
      (select count(*)::int from payment_timeline) as timeline,
      (select line_count from settlements where settlement_id = ${payoutId(0)}) as "payoutLines",
      (select count(*)::int from settlement_lines) as "settlementLines",
      (select count(*)::int from webhook_events) as events,
      (select count(*)::int from api_requests) as "apiRequests",
      (select count(*)::int from audit_log) as audit`;
    return counts!;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
