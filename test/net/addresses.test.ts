import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressAllowed, hostRefused } from '../../server/net/addresses.ts';

/** Closed IPv4 ranges as [first octets, prefix length]. */
const CLOSED: Array<[number[], number]> = [
  [[0], 8],
  [[10], 8],
  [[100, 64], 10],
  [[127], 8],
  [[169, 254], 16],
  [[172, 16], 12],
  [[192, 168], 16],
  [[198, 18], 15],
  [[224], 4],
  [[240], 4],
];

const toInt = (octets: number[]) => octets.reduce((n, o) => n * 256 + o, 0);

/** A random address inside one closed range, as a 32-bit number. */
const closedV4 = fc
  .tuple(fc.constantFrom(...CLOSED), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
  .map(([[start, bits], noise]) => {
    const base = toInt([...start, 0, 0, 0, 0].slice(0, 4));
    const hostBits = 32 - bits;
    return base + (noise % 2 ** hostBits);
  });

/** The notations a URL may spell one IPv4 address in; WHATWG URL reads them all. */
const notations: Array<(n: number) => string> = [
  (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'),
  (n) => String(n),
  (n) => `0x${n.toString(16)}`,
  (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((o) => `0${o.toString(8)}`).join('.'),
  (n) => `${n >>> 24}.${n & 0xffffff}`,
  (n) => `[::ffff:${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')}]`,
  (n) => `[::ffff:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}]`,
];

describe('closed addresses', () => {
  it('are refused in every notation a URL accepts', () => {
    fc.assert(
      fc.property(closedV4, fc.constantFrom(...notations), fc.constantFrom('http', 'https'), (n, spell, scheme) => {
        const url = new URL(`${scheme}://${spell(n)}:8080/hook`);
        expect(hostRefused(url.hostname, false), url.href).toBe(true);
      }),
      { numRuns: 2000, seed: 20261130 },
    );
  });

  it('public addresses and names pass; the private flag opens private ranges but never metadata', () => {
    for (const host of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '[2606:4700:4700::1111]', 'hooks.example.com', 'acme.myshopify.com']) {
      expect(hostRefused(new URL(`https://${host}/`).hostname, false), host).toBe(false);
    }
    for (const host of ['127.0.0.1', '10.0.0.1', '[::1]', '[fd00::1]', 'localhost']) {
      expect(hostRefused(new URL(`http://${host}/`).hostname, true), host).toBe(false);
    }
    for (const host of ['169.254.169.254', '[::ffff:169.254.169.254]', '[fd00:ec2::254]', 'metadata.google.internal']) {
      expect(hostRefused(new URL(`http://${host}/`).hostname, true), host).toBe(true);
    }
    expect(addressAllowed('not an address', true)).toBe(false);
  });
});
