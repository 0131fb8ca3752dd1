/**
 * The payment transactions seed shared by the benches that need a million of them
 * (bench:payments-list, bench:pages): one set-based INSERT … SELECT generate_series per batch,
 * deterministic (`setseed`). See bench/payments-list.ts for what the rows look like.
 */
import postgres from 'postgres';

/** Merchant accounts the transactions are spread over (skewed: account_no = ACCOUNTS × u^2.5). */
export const ACCOUNTS = 2000;
const BATCH = 250_000;

/** The account id of account number `n` (0 … ACCOUNTS − 1), as SQL over an integer expression. */
export const accountIdSql = (n: string) =>
  `'krn:partner:global:account:test:' || upper(substr(md5('account-' || ${n}), 1, 8))`;

/** The id of transaction number `n` (1 … rows), as SQL over an integer expression. */
export const transactionIdSql = (n: string) => `md5('transaction-' || ${n})::uuid::text`;

/**
 * One batch of transactions n = $1 … $2, created before $3 (the seed's "now"). Each level of the
 * query draws or derives what the next needs: random draws → state by age → amounts by state.
 */
export const PAYMENTS_SEED_SQL = `
insert into payment_transactions (
  payment_transaction_id, account_id, payment_request_id, state, currency,
  authorized_amount, captured_amount, refunded_amount, remaining_authorized_amount,
  merchant_reference, payment_reference, expires_at, klarna_created_at, klarna_updated_at,
  klarna, last_synced_at, updated_at)
select id, account_id, request_id, state, currency, authorized, captured, refunded, remaining,
  merchant_reference, payment_reference, created + interval '28 days', created, updated,
  jsonb_build_object(
    'payment_transaction_id', id, 'payment_request_id', request_id, 'state', state,
    'currency', currency, 'purchase_country', country, 'channel_type', 'ECOMMERCE',
    'authorized_amount', authorized, 'captured_amount', captured, 'refunded_amount', refunded,
    'remaining_authorized_amount', remaining,
    'merchant_reference', merchant_reference, 'payment_reference', payment_reference,
    'line_items', jsonb_build_array(jsonb_build_object(
      'name', 'Item ' || (n % 997), 'quantity', 1, 'unit_price', authorized,
      'total_line_amount', authorized, 'tax_rate', 2500, 'total_tax_amount', authorized / 5,
      'reference', 'SKU-' || (n % 5003), 'type', 'physical')),
    'payment_pricing', jsonb_build_object('rate', jsonb_build_object('fixed_fee', 30, 'variable_fee', 299)),
    'created_at', created, 'updated_at', updated, 'expires_at', created + interval '28 days'),
  updated, updated
from (
  select *,
    case when state = 'AUTHORIZED' then authorized - captured
         when state = 'EXPIRED' then authorized - captured
         else 0 end as remaining,
    case when captured = 0 or u_refund < 0.85 then 0
         when u_refund < 0.95 then captured
         else floor(captured * (0.1 + 0.8 * u_part2))::bigint end as refunded,
    case when state = 'EXPIRED' then created + interval '28 days'
         when state = 'AUTHORIZED' and captured = 0 then created
         else date_trunc('milliseconds', least(now_at, created + interval '1 minute' + u_part2 * interval '20 days')) end as updated
  from (
    select *,
      case when state = 'COMPLETED' and u_capture < 0.9 then authorized
           when state = 'COMPLETED' then greatest(1, floor(authorized * (0.3 + 0.6 * u_part)))::bigint
           when state in ('AUTHORIZED', 'EXPIRED') and u_capture >= 0.8 then floor(authorized * (0.2 + 0.6 * u_part))::bigint
           else 0 end as captured
    from (
      select *,
        ${accountIdSql('account_no')} as account_id,
        case when u_currency < 0.85 then home_currency
             else (array['EUR','USD','GBP','SEK','NOK','DKK'])[1 + floor(u_currency2 * 6)::int] end as currency,
        case when age < interval '28 days' then
               case when u_state < 0.55 then 'AUTHORIZED' when u_state < 0.93 then 'COMPLETED' else 'CLOSED' end
             when age < interval '35 days' then
               case when u_state < 0.05 then 'EXPIRED' when u_state < 0.88 then 'COMPLETED' else 'CLOSED' end
             else case when u_state < 0.88 then 'COMPLETED' else 'CLOSED' end end as state,
        -- Milliseconds, as every write from Klarna's ISO timestamps (and the cursor) carries.
        date_trunc('milliseconds', now_at - age) as created
      from (
        select n, $3::timestamptz as now_at,
          ${transactionIdSql('n')} as id,
          'krn:payment:eu1:request:' || md5('request-' || n)::uuid::text as request_id,
          'order-' || n as merchant_reference,
          case when random() < 0.95 then 'pay-' || n end as payment_reference,
          floor(${ACCOUNTS} * power(random(), 2.5))::int as account_no,
          interval '730 days' * power(random(), 1.4) as age,
          round(exp(ln(100) + ln(5000) * (random() + random()) / 2))::bigint as authorized,
          random() as u_state, random() as u_capture, random() as u_part, random() as u_part2,
          random() as u_refund, random() as u_currency, random() as u_currency2
        from generate_series($1::int, $2::int) as n
      ) draws
      cross join lateral (
        select (array['EUR','EUR','EUR','EUR','EUR','EUR','EUR','EUR','USD','USD','USD','GBP','GBP','SEK','SEK','SEK','NOK','NOK','DKK','DKK'])[1 + (draws.account_no % 20)] as home_currency
      ) home
    ) by_age
  ) by_state
) amounts
cross join lateral (
  select case amounts.currency when 'EUR' then 'DE' when 'USD' then 'US' when 'GBP' then 'GB' when 'SEK' then 'SE' when 'NOK' then 'NO' else 'DK' end as country
) market`;

/**
 * Seeds `rows` transactions created before `nowAt` in batches of 250,000 on one connection (seeded
 * random, so the same rows every run), then VACUUM ANALYZE; returns the table's row count.
 */
export async function seedPayments(url: string, rows: number, nowAt: Date): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`set synchronous_commit = off`;
    await sql`set maintenance_work_mem = '256MB'`;
    await sql`select setseed(0.42)`;
    for (let from = 1; from <= rows; from += BATCH) {
      const to = Math.min(rows, from + BATCH - 1);
      const t0 = performance.now();
      await sql.unsafe(PAYMENTS_SEED_SQL, [from, to, nowAt.toISOString()]);
      console.log(
        `  seeded ${to.toLocaleString('en')} / ${rows.toLocaleString('en')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
    await sql`vacuum analyze payment_transactions`;
    const [{ count }] = (await sql<
      { count: number }[]
    >`select count(*)::int as count from payment_transactions`) as unknown as [{ count: number }];
    return count;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
