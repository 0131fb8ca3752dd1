import { describe, expect, it, vi } from 'vitest';
import type { Actor } from './guard';
import { RECENT_SESSION_MS, remembered } from './session';

const ada: Actor = {
  id: 'u1',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'viewer',
  totpEnabled: false,
  sessionId: 's1',
};

describe('the polls’ recent session check', () => {
  it('decodes a session cookie at most once per few seconds, and again after', async () => {
    const key = `cookie-${Math.random()}`;
    const check = vi.fn(async (): Promise<Actor | null> => ada);
    const t0 = 1_000_000;
    expect(await remembered(key, t0, check)).toEqual(ada);
    expect(await remembered(key, t0 + RECENT_SESSION_MS - 1, check)).toEqual(ada);
    expect(check).toHaveBeenCalledTimes(1);
    // Another answer after the window is the one given.
    check.mockResolvedValue(null);
    expect(await remembered(key, t0 + RECENT_SESSION_MS, check)).toBeNull();
    expect(check).toHaveBeenCalledTimes(2);
    expect(await remembered(key, t0 + RECENT_SESSION_MS + 1, check)).toBeNull();
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('never answers one cookie with another’s check', async () => {
    const check = vi.fn(async (): Promise<Actor | null> => ada);
    const none = vi.fn(async (): Promise<Actor | null> => null);
    await remembered(`a-${Math.random()}`, 5, check);
    expect(await remembered(`b-${Math.random()}`, 5, none)).toBeNull();
    expect(none).toHaveBeenCalledTimes(1);
  });
});
