import { describe, expect, it } from 'vitest';
import { decodeSegment } from './search-params';

describe('decodeSegment', () => {
  it('decodes an encoded segment, keeps a decoded one, and takes one that does not decode as it is', () => {
    expect(decodeSegment('krn%3Apartner%3Aglobal%3Aaccount%3Atest%3AAB12')).toBe(
      'krn:partner:global:account:test:AB12',
    );
    expect(decodeSegment('krn:payment:eu1:request:1')).toBe('krn:payment:eu1:request:1');
    expect(decodeSegment('50%off')).toBe('50%off');
  });
});
