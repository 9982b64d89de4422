// Widget and connector tokens through jsonwebtoken: what a host backend mints with its own JWT
// library passes; other algorithms, re-spelt signatures, expired or over-long tokens do not;
// a host clock a few seconds ahead is tolerated; and no input makes verifyToken throw.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import {
  CLOCK_TOLERANCE_S,
  signToken,
  type VerifyResult,
  verifyToken,
} from '../../src/server/auth.ts';

const SECRET = 'auth-test-secret-0123456789abcdef';
const NOW = Date.UTC(2026, 4, 12, 9, 30);
const NOW_S = NOW / 1000;
const HOUR_S = 3600;

/** A token as a host backend mints it with jsonwebtoken and the shared secret. */
function hostToken(
  claims: Record<string, unknown>,
  options: jwt.SignOptions = { algorithm: 'HS256' },
  secret: jwt.Secret = SECRET,
): string {
  return jwt.sign({ team: 'acme', role: 'agent', sub: 'a-1', ...claims }, secret, options);
}

/** A compact JWS signed by hand with HMAC-SHA256 (another library, any header). */
function handSigned(header: unknown, payload: unknown): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const sig = createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${sig}`;
}

function refusedWith(result: VerifyResult): { code: string; reason: string } {
  expect(result.ok).toBe(false);
  return result as { code: string; reason: string };
}

describe('tokens minted elsewhere', () => {
  it('accepts a token a host backend signs with jsonwebtoken and the same secret', () => {
    const token = hostToken({ name: 'Ann', iat: NOW_S }, { algorithm: 'HS256', expiresIn: '8h' });
    expect(verifyToken(SECRET, token, NOW)).toEqual({
      ok: true,
      claims: {
        team: 'acme',
        role: 'agent',
        sub: 'a-1',
        name: 'Ann',
        iat: NOW_S,
        exp: NOW_S + 8 * HOUR_S,
      },
    });
  });

  it('accepts another library’s spelling of the header (no typ, other key order)', () => {
    const claims = { exp: NOW_S + HOUR_S, sub: 'c-1', role: 'connector', team: 'acme' };
    expect(verifyToken(SECRET, handSigned({ alg: 'HS256' }, claims), NOW).ok).toBe(true);
    expect(verifyToken(SECRET, handSigned({ typ: 'JWT', alg: 'HS256' }, claims), NOW).ok).toBe(
      true,
    );
  });

  it('signs tokens that any HS256 library verifies with the secret', () => {
    const token = signToken(SECRET, { team: 'acme', role: 'supervisor', sub: 's', now: NOW });
    const decoded = jwt.verify(token, SECRET, {
      algorithms: ['HS256'],
      clockTimestamp: NOW_S,
      complete: true,
    });
    expect(decoded.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decoded.payload).toEqual({
      team: 'acme',
      role: 'supervisor',
      sub: 's',
      iat: NOW_S,
      exp: NOW_S + 8 * HOUR_S,
    });
    expect(() => signToken(SECRET, { team: 'a b', role: 'agent', sub: 's' })).toThrow(/team/);
    expect(() => signToken(SECRET, { team: 'acme', role: 'root' as 'agent', sub: 's' })).toThrow(
      /role/,
    );
    expect(() => signToken(SECRET, { team: 'acme', role: 'agent', sub: '' })).toThrow(/sub/);
    expect(() => signToken('', { team: 'acme', role: 'agent', sub: 's' })).toThrow(/secret/);
  });
});

describe('algorithm pinning', () => {
  const claims = { iat: NOW_S, exp: NOW_S + HOUR_S };

  it('refuses alg none, with or without a signature, naming the algorithm', () => {
    const unsigned = hostToken(claims, { algorithm: 'none' }, null as unknown as jwt.Secret);
    expect(unsigned.endsWith('.')).toBe(true);
    const none = refusedWith(verifyToken(SECRET, unsigned, NOW));
    expect(none).toEqual({
      ok: false,
      code: 'auth_algorithm',
      reason: 'token algorithm must be HS256 (got none)',
    });
    const [h, p] = unsigned.split('.');
    const withSig = hostToken(claims).split('.')[2];
    expect(refusedWith(verifyToken(SECRET, `${h}.${p}.${withSig}`, NOW)).code).toBe(
      'auth_algorithm',
    );
  });

  it('refuses HS384, HS512 and RS256 tokens even when their signature is valid', () => {
    for (const algorithm of ['HS384', 'HS512'] as const) {
      const token = hostToken(claims, { algorithm });
      expect(jwt.verify(token, SECRET, { clockTimestamp: NOW_S })).toMatchObject({ sub: 'a-1' });
      const r = refusedWith(verifyToken(SECRET, token, NOW));
      expect(r.code).toBe('auth_algorithm');
      expect(r.reason).toContain(`got ${algorithm}`);
    }
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs = refusedWith(
      verifyToken(SECRET, hostToken(claims, { algorithm: 'RS256' }, privateKey), NOW),
    );
    expect(rs).toMatchObject({ code: 'auth_algorithm', reason: expect.stringContaining('RS256') });
  });

  it('refuses a header without alg', () => {
    const token = handSigned(
      { typ: 'JWT' },
      { team: 'acme', role: 'agent', sub: 'a', exp: NOW_S + 60 },
    );
    expect(refusedWith(verifyToken(SECRET, token, NOW)).code).toBe('auth_algorithm');
  });
});

describe('signature spelling', () => {
  // 32 bytes = 43 base64url characters: the last carries 4 bits and 2 unused ones, so
  // several characters decode to the same signature bytes.
  it('accepts only the canonical base64url text of a host token’s signature', () => {
    const token = hostToken({ iat: NOW_S, exp: NOW_S + HOUR_S });
    const [h, p, sig] = token.split('.') as [string, string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1)!);
    const respelt = [...alphabet]
      .filter((_, i) => i !== last && i >> 2 === last >> 2)
      .map((c) => sig.slice(0, -1) + c);
    expect(respelt).toHaveLength(3);
    const bytes = Buffer.from(sig, 'base64url');
    for (const other of respelt) {
      expect(Buffer.from(other, 'base64url')).toEqual(bytes);
      expect(verifyToken(SECRET, `${h}.${p}.${other}`, NOW)).toMatchObject({
        ok: false,
        code: 'auth_signature',
      });
    }
    // Padded and standard-alphabet spellings of the same bytes are not base64url at all.
    for (const other of [`${sig}=`, bytes.toString('base64')]) {
      expect(refusedWith(verifyToken(SECRET, `${h}.${p}.${other}`, NOW)).code).toBe(
        'auth_malformed',
      );
    }
    expect(verifyToken(SECRET, token, NOW).ok).toBe(true);
  });

  it('refuses another secret, an altered payload and a missing signature', () => {
    const token = hostToken({ iat: NOW_S, exp: NOW_S + HOUR_S });
    expect(refusedWith(verifyToken('another-secret', token, NOW))).toEqual({
      ok: false,
      code: 'auth_signature',
      reason: 'token signature does not match (forged, or another secret)',
    });
    const [h, , sig] = token.split('.');
    const elevated = Buffer.from(
      JSON.stringify({ team: 'acme', role: 'supervisor', sub: 'a-1', exp: NOW_S + HOUR_S }),
    ).toString('base64url');
    expect(refusedWith(verifyToken(SECRET, `${h}.${elevated}.${sig}`, NOW)).code).toBe(
      'auth_signature',
    );
    expect(refusedWith(verifyToken(SECRET, `${h}.${elevated}.`, NOW)).code).toBe('auth_signature');
  });
});

describe('clock', () => {
  it('refuses a token from the second of its exp on, with no tolerance after expiry', () => {
    const token = hostToken({ iat: NOW_S - HOUR_S, exp: NOW_S });
    expect(verifyToken(SECRET, token, NOW - 1).ok).toBe(true);
    expect(refusedWith(verifyToken(SECRET, token, NOW))).toEqual({
      ok: false,
      code: 'auth_expired',
      reason: `token expired at ${new Date(NOW).toISOString()}`,
    });
    // The server drops a socket at its token's exp: a token let in after it would be
    // disconnected at once, so 10 s late is as expired as an hour late.
    expect(refusedWith(verifyToken(SECRET, token, NOW + 10_000)).code).toBe('auth_expired');
  });

  it('uses the clock it is given, not the real one', () => {
    const old = hostToken({ iat: 1, exp: 10 });
    expect(verifyToken(SECRET, old, 0).ok).toBe(true);
    expect(verifyToken(SECRET, old, 9_999).ok).toBe(true);
    expect(refusedWith(verifyToken(SECRET, old, 10_000)).code).toBe('auth_expired');
    const realNow = Date.now();
    const live = hostToken({ exp: Math.floor(realNow / 1000) + HOUR_S });
    expect(refusedWith(verifyToken(SECRET, live, realNow + 2 * HOUR_S * 1000)).code).toBe(
      'auth_expired',
    );
  });

  it(`tolerates a host clock up to ${CLOCK_TOLERANCE_S} s ahead (nbf in the future)`, () => {
    expect(CLOCK_TOLERANCE_S).toBe(30);
    const ahead = (s: number) =>
      hostToken({ iat: NOW_S + s }, { algorithm: 'HS256', expiresIn: '1h', notBefore: 0 });
    expect(jwt.decode(ahead(30))).toMatchObject({ nbf: NOW_S + 30 });
    expect(verifyToken(SECRET, ahead(5), NOW).ok).toBe(true);
    expect(verifyToken(SECRET, ahead(30), NOW).ok).toBe(true);
    expect(refusedWith(verifyToken(SECRET, ahead(31), NOW))).toEqual({
      ok: false,
      code: 'auth_claims',
      reason: `token claim nbf: not valid before ${new Date(NOW + 31_000).toISOString()}`,
    });
    expect(verifyToken(SECRET, ahead(31), NOW + 1000).ok).toBe(true);
  });
});

describe('maximum lifetime', () => {
  it(`refuses a widget token living more than 24 h (+${CLOCK_TOLERANCE_S} s) from now`, () => {
    // A host whose clock runs 30 s ahead mints a full 24 h token: it passes; one second more
    // does not.
    const living = (s: number) => hostToken({ iat: NOW_S, exp: NOW_S + s });
    expect(verifyToken(SECRET, living(24 * HOUR_S + 30), NOW).ok).toBe(true);
    expect(refusedWith(verifyToken(SECRET, living(24 * HOUR_S + 31), NOW))).toEqual({
      ok: false,
      code: 'auth_claims',
      reason: 'token claim exp: lives longer than this server allows (24 h); mint a shorter one',
    });
    const supervisor = hostToken({ role: 'supervisor', exp: NOW_S + 25 * HOUR_S });
    expect(refusedWith(verifyToken(SECRET, supervisor, NOW)).code).toBe('auth_claims');
  });

  it('gives connectors their own cap (90 days by default, or as configured)', () => {
    const connector = (days: number) =>
      hostToken({ role: 'connector', sub: 'zendesk', exp: NOW_S + days * 86_400 });
    expect(verifyToken(SECRET, connector(90), NOW).ok).toBe(true);
    expect(refusedWith(verifyToken(SECRET, connector(91), NOW)).reason).toMatch(/2160 h/);
    const lifetimes = { widgetMs: 3600_000, connectorMs: 7 * 86_400_000 };
    expect(refusedWith(verifyToken(SECRET, connector(8), NOW, lifetimes)).code).toBe('auth_claims');
    expect(verifyToken(SECRET, connector(7), NOW, lifetimes).ok).toBe(true);
  });
});

describe('claims and malformed input', () => {
  const exp = NOW_S + HOUR_S;

  it('names the claim that is wrong', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ team: '../etc' }, /claim team/],
      [{ role: 'admin' }, /claim role/],
      [{ sub: '' }, /claim sub/],
      [{ name: 42 }, /claim name/],
      [{ exp: undefined }, /claim exp: missing/],
      [{ exp: 'tomorrow' }, /claim exp: must be a number/],
      [{ nbf: 'now' }, /claim nbf: must be a number/],
    ];
    for (const [claims, reason] of cases) {
      const payload = { team: 'acme', role: 'agent', sub: 'a', exp, ...claims };
      const r = refusedWith(
        verifyToken(SECRET, handSigned({ alg: 'HS256', typ: 'JWT' }, payload), NOW),
      );
      expect(r.code).toBe('auth_claims');
      expect(r.reason).toMatch(reason);
    }
  });

  it('refuses a missing, over-long, non-JSON or non-object token with auth_missing or auth_malformed', () => {
    expect(refusedWith(verifyToken(SECRET, undefined, NOW)).code).toBe('auth_missing');
    expect(refusedWith(verifyToken(SECRET, '', NOW)).code).toBe('auth_missing');
    expect(refusedWith(verifyToken(SECRET, 42, NOW)).code).toBe('auth_malformed');
    expect(refusedWith(verifyToken(SECRET, 'a'.repeat(5000), NOW)).code).toBe('auth_malformed');
    expect(refusedWith(verifyToken(SECRET, 'a.b', NOW)).code).toBe('auth_malformed');
    const notJson = Buffer.from('not json').toString('base64url');
    expect(refusedWith(verifyToken(SECRET, `${notJson}.${notJson}.sig`, NOW))).toMatchObject({
      code: 'auth_malformed',
      reason: 'token header is not a JSON object',
    });
    for (const payload of [null, [1, 2], 'text', 7]) {
      const r = refusedWith(
        verifyToken(SECRET, handSigned({ alg: 'HS256', typ: 'JWT' }, payload), NOW),
      );
      expect(r).toMatchObject({
        code: 'auth_malformed',
        reason: 'token payload is not a JSON object',
      });
    }
  });

  it('reports an expiry too far in the past for a date instead of throwing', () => {
    for (const past of [-1e308, -1e13]) {
      const token = handSigned(
        { alg: 'HS256', typ: 'JWT' },
        { team: 'acme', role: 'agent', sub: 'a', exp: past },
      );
      expect(refusedWith(verifyToken(SECRET, token, NOW)).code).toBe('auth_expired');
    }
  });

  it('never throws, whatever the token', () => {
    const part = fc.string({ unit: fc.constantFrom(...'AZaz09-_=.+/ '), maxLength: 40 });
    const valid = hostToken({ exp });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(part, part, part).map((p) => p.join('.')),
          fc.jsonValue().map((v) => handSigned({ alg: 'HS256', typ: 'JWT' }, v)),
          fc.jsonValue().map((v) => handSigned(v, { team: 'acme', role: 'agent', sub: 'a', exp })),
          fc.nat({ max: valid.length - 1 }).map((i) => valid.slice(0, i) + valid.slice(i + 1)),
        ),
        (token) => {
          const r = verifyToken(SECRET, token, NOW);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });
});
