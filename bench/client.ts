import { klarnaApi } from '../lib/klarna/api';
import { KlarnaClient, type KlarnaAttempt } from '../lib/klarna/client';
import { KlarnaApiError } from '../lib/klarna/errors';
import { KlarnaRateLimiter, seedRateLimits, type CategoryLimits } from '../lib/klarna/rate-limit';
import { startSandbox } from '../sandbox/start';

/**
 * `npm run bench:client`: 5,000 calls through the real KlarnaClient and KlarnaRateLimiter
 * against the embedded sandbox (in-process, random port, memory state), with a 200/s quota on
 * `partner-management` at both ends and 100 calls in flight, so pacing is what limits. Ideal:
 * 5,000 / 200 = 25 s (24 s counting the bucket's initial burst of 200); pass when within 10 %
 * of 25 s and no call reaches the caller rate-limited. Last line: one JSON object.
 */
const CALLS = 5_000;
const QUOTA = 200;
const IN_FLIGHT = 100;
const IDEAL_SECONDS = CALLS / QUOTA;

async function main() {
  const limits: CategoryLimits = {
    ...seedRateLimits.playground,
    'partner-management': { partner: 0, acquiringPartner: QUOTA },
  };
  const sandbox = await startSandbox({ port: 0, dataDir: null, rateLimits: limits });
  try {
    const { api_key } = await sandbox.control.bootstrapKey();
    let onWire429 = 0;
    let attemptsTotal = 0;
    const client = new KlarnaClient({
      baseUrl: sandbox.baseUrl,
      apiKey: api_key,
      limiter: new KlarnaRateLimiter(limits),
      record: (attempt: KlarnaAttempt) => {
        attemptsTotal++;
        if (attempt.status === 429) onWire429++;
      },
    });
    const api = klarnaApi(client);

    let next = 0;
    let toCaller429 = 0;
    let otherFailures = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < CALLS) {
        next++;
        try {
          await api.signingKeys.list();
        } catch (error) {
          if (error instanceof KlarnaApiError && error.status === 429) toCaller429++;
          else otherFailures++;
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const seconds = (performance.now() - started) / 1000;

    const withinTolerance = Math.abs(seconds - IDEAL_SECONDS) <= IDEAL_SECONDS * 0.1;
    const pass = withinTolerance && toCaller429 === 0 && otherFailures === 0;
    console.log(
      `${CALLS} calls (signingKeys.list, ${IN_FLIGHT} in flight) at a ${QUOTA}/s quota took ${seconds.toFixed(2)} s`,
    );
    console.log(
      `  ideal ${IDEAL_SECONDS} s (${((CALLS - QUOTA) / QUOTA).toFixed(0)} s after the initial burst of ${QUOTA}); ${((seconds / IDEAL_SECONDS - 1) * 100).toFixed(1)} % off, tolerance ±10 %`,
    );
    console.log(
      `  ${attemptsTotal} attempts on the wire, ${onWire429} answered 429 and retried; ${toCaller429} calls reached the caller rate-limited, ${otherFailures} failed otherwise`,
    );
    console.log(`  ${pass ? 'PASS' : 'FAIL'}`);
    console.log(
      JSON.stringify({
        bench: 'client',
        calls: CALLS,
        quota_per_s: QUOTA,
        seconds: Number(seconds.toFixed(3)),
        ideal_seconds: IDEAL_SECONDS,
        rate_limited_to_caller: toCaller429,
        rate_limited_on_wire: onWire429,
        pass,
      }),
    );
    process.exitCode = pass ? 0 : 1;
  } finally {
    await sandbox.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
