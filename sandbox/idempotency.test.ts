import { describe, expect, it } from 'vitest';
import { SandboxClock } from './clock';
import { IdempotencyStore } from './idempotency';
import { SandboxStore } from './state/store';

async function setup() {
  const clock = new SandboxClock();
  const store = await SandboxStore.open(null, clock);
  return { clock, store, idempotency: new IdempotencyStore(store, clock) };
}
const request = { method: 'POST', path: '/v1/x' };

describe('sandbox idempotency', () => {
  it('runs concurrent requests with one key once: the second waits and gets the first answer', async () => {
    const { idempotency } = await setup();
    let runs = 0;
    const slow = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { status: 200, body: { run: runs } };
    };
    const [a, b] = await Promise.all([idempotency.run('k', request, slow), idempotency.run('k', request, slow)]);
    expect(runs).toBe(1);
    expect(a).toEqual({ result: { status: 200, body: { run: 1 } }, replayed: false });
    expect(b).toEqual({ result: { status: 200, body: { run: 1 } }, replayed: true });
  });

  it('stores 2xx and 4xx, not 5xx or 429, and forgets after 24 h of sandbox time', async () => {
    const { idempotency, clock } = await setup();
    let status = 500;
    const answer = async () => ({ status, body: { status } });
    expect((await idempotency.run('k', request, answer)).replayed).toBe(false);
    status = 429;
    expect((await idempotency.run('k', request, answer)).replayed).toBe(false);
    status = 409;
    await idempotency.run('k', request, answer);
    status = 200;
    expect(await idempotency.run('k', request, answer)).toEqual({
      result: { status: 409, body: { status: 409 } },
      replayed: true,
    });
    clock.advance(24 * 3600);
    expect(await idempotency.run('k', request, answer)).toEqual({
      result: { status: 200, body: { status: 200 } },
      replayed: false,
    });
  });

  it('accepts keys of 1 to 255 characters', () => {
    expect(IdempotencyStore.readKey(undefined)).toBeNull();
    expect(IdempotencyStore.readKey('k'.repeat(255))).toHaveLength(255);
    expect(() => IdempotencyStore.readKey('')).toThrow(/failed input validation/);
    expect(() => IdempotencyStore.readKey('k'.repeat(256))).toThrow(/failed input validation/);
  });
});
