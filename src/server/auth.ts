// Authentication for the realtime server: the webhook body signature (HMAC-SHA256 of the raw
// body, `X-Signature-256: sha256=<hex>`) and the widget/connector tokens (compact HS256
// JWTs, signed and verified with `jsonwebtoken`). A host's backend may mint the same tokens
// with any JWT library and the shared secret.
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import jwt from 'jsonwebtoken';

export type Role = 'agent' | 'supervisor' | 'connector';
export const ROLES: readonly Role[] = ['agent', 'supervisor', 'connector'];

export interface TokenClaims {
  team: string;
  role: Role;
  sub: string;
  name?: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
}

export type AuthFailureCode =
  | 'auth_missing'
  | 'auth_malformed'
  | 'auth_algorithm'
  | 'auth_signature'
  | 'auth_expired'
  | 'auth_claims'
  | 'auth_role'
  | 'auth_team';

export type VerifyResult =
  | { ok: true; claims: TokenClaims }
  | { ok: false; code: AuthFailureCode; reason: string };

/** Team names go into file paths and Redis keys: keep them to a safe alphabet. */
export const TEAM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isTeamName(value: unknown): value is string {
  return typeof value === 'string' && TEAM_PATTERN.test(value) && !value.includes('..');
}

/** The only algorithm a token may use: `alg: none`, HS512, RS256... are refused. */
const ALGORITHM = 'HS256';

/**
 * How far a host backend's clock may run ahead of ours: a token whose `nbf` is up to this far
 * in the future, or that lives up to this much longer than the lifetime cap, still passes.
 * Not applied after `exp`: the server disconnects a socket at its token's expiry, so a token
 * accepted past it would be dropped at once (and reconnect in a loop).
 */
export const CLOCK_TOLERANCE_S = 30;

function hmac(secret: string, data: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

let cachedKey: { secret: string; key: KeyObject } | undefined;

/**
 * The secret as a KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it
 * as a PEM key on every call, which costs ~0.5 ms a token instead of ~10 µs.
 */
function secretKey(secret: string): KeyObject {
  if (cachedKey?.secret !== secret) {
    cachedKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  }
  return cachedKey.key;
}

/** Constant-time equality of two byte strings (false, not a throw, on different lengths). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) {
    // Still spend the comparison so the length is the only thing a timing attack learns.
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

export interface SignOptions {
  team: string;
  role: Role;
  sub: string;
  name?: string | undefined;
  /** Lifetime in milliseconds (default 8 hours). */
  ttlMs?: number;
  /** The issuing clock, epoch ms (default Date.now()). */
  now?: number;
}

export function signToken(secret: string, options: SignOptions): string {
  if (!secret) throw new Error('signToken: empty secret');
  if (!isTeamName(options.team)) throw new Error(`signToken: bad team name '${options.team}'`);
  if (!ROLES.includes(options.role)) throw new Error(`signToken: bad role '${options.role}'`);
  if (!options.sub) throw new Error('signToken: empty sub');
  const now = options.now ?? Date.now();
  const claims: TokenClaims = {
    team: options.team,
    role: options.role,
    sub: options.sub,
    iat: Math.floor(now / 1000),
    exp: Math.floor((now + (options.ttlMs ?? 8 * 3600_000)) / 1000),
  };
  if (options.name) claims.name = options.name;
  return jwt.sign(claims, secretKey(secret), { algorithm: ALGORITHM });
}

function fail(code: AuthFailureCode, reason: string): VerifyResult {
  return { ok: false, code, reason };
}

/** The longest a token may live, from now (a token minted to live longer is refused). */
export interface TokenLifetimes {
  /** Agents and supervisors (default 24 hours). */
  widgetMs: number;
  /** Connector tokens (default 90 days: a helpdesk integration is configured once). */
  connectorMs: number;
}

export const DEFAULT_TOKEN_LIFETIMES: TokenLifetimes = {
  widgetMs: 24 * 3600_000,
  connectorMs: 90 * 86_400_000,
};

/** A date for a refusal reason; claims such as `exp: -1e308` have none. */
function isoDate(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/** The token's header if it is a JSON object (only to explain a refusal). */
function headerOf(token: string): Record<string, unknown> | undefined {
  try {
    const header: unknown = JSON.parse(
      Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'),
    );
    return typeof header === 'object' && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Turns what jsonwebtoken threw into our code and a reason naming what is wrong. */
function refusal(err: unknown, token: string): VerifyResult {
  if (err instanceof jwt.TokenExpiredError) {
    return fail('auth_expired', `token expired at ${isoDate(err.expiredAt.getTime())}`);
  }
  const header = headerOf(token);
  if (header === undefined) return fail('auth_malformed', 'token header is not a JSON object');
  if (header.alg !== ALGORITHM) {
    return fail('auth_algorithm', `token algorithm must be HS256 (got ${String(header.alg)})`);
  }
  // Anything else jsonwebtoken throws (a SyntaxError or TypeError) comes from decoding.
  if (!(err instanceof jwt.JsonWebTokenError)) {
    return fail('auth_malformed', 'token payload is not a JSON object');
  }
  switch (err.message) {
    case 'invalid signature':
    case 'jwt signature is required':
      return fail('auth_signature', 'token signature does not match (forged, or another secret)');
    case 'invalid token':
      return fail('auth_malformed', 'token payload is not a JSON object');
    case 'invalid exp value':
      return fail('auth_claims', 'token claim exp: must be a number (seconds since the epoch)');
    default:
      return fail('auth_malformed', `token refused: ${err.message}`);
  }
}

/**
 * Verifies a token (`now` in epoch ms) with jsonwebtoken: the algorithm (HS256 only), the
 * signature (compared as base64url text, so a signature re-spelt to decode to the same bytes
 * is refused) and the expiry; then our claims, `nbf` and the lifetime cap, with
 * CLOCK_TOLERANCE_S for a host clock that runs ahead. Never throws.
 */
export function verifyToken(
  secret: string,
  token: unknown,
  now = Date.now(),
  lifetimes: TokenLifetimes = DEFAULT_TOKEN_LIFETIMES,
): VerifyResult {
  if (token === undefined || token === null || token === '') {
    return fail('auth_missing', 'no token: pass auth: { token }');
  }
  if (typeof token !== 'string' || token.length > 4096) {
    return fail('auth_malformed', 'token is not a string');
  }
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    return fail('auth_malformed', 'token is not header.payload.signature in base64url');
  }
  let payload: unknown;
  try {
    payload = jwt.verify(token, secretKey(secret), {
      algorithms: [ALGORITHM],
      // jsonwebtoken reads 0 as "no clock given" and would use the real one.
      clockTimestamp: Math.max(1, Math.floor(now / 1000)),
      // nbf is checked below, with the tolerance that expiry must not get.
      ignoreNotBefore: true,
    });
  } catch (err) {
    return refusal(err, token);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return fail('auth_malformed', 'token payload is not a JSON object');
  }
  const { team, role, sub, name, exp, iat, nbf } = payload as Record<string, unknown>;
  if (!isTeamName(team)) return fail('auth_claims', 'token claim team: missing or invalid');
  if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
    return fail('auth_claims', 'token claim role: must be agent, supervisor or connector');
  }
  if (typeof sub !== 'string' || sub === '') return fail('auth_claims', 'token claim sub: missing');
  if (name !== undefined && typeof name !== 'string') {
    return fail('auth_claims', 'token claim name: must be a string');
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    return fail('auth_claims', 'token claim exp: missing');
  }
  const toleranceMs = CLOCK_TOLERANCE_S * 1000;
  if (nbf !== undefined) {
    if (typeof nbf !== 'number' || Number.isNaN(nbf)) {
      return fail('auth_claims', 'token claim nbf: must be a number (seconds since the epoch)');
    }
    if (nbf * 1000 > now + toleranceMs) {
      return fail('auth_claims', `token claim nbf: not valid before ${isoDate(nbf * 1000)}`);
    }
  }
  const maxMs = role === 'connector' ? lifetimes.connectorMs : lifetimes.widgetMs;
  if (exp * 1000 - now > maxMs + toleranceMs) {
    return fail(
      'auth_claims',
      `token claim exp: lives longer than this server allows (${Math.round(maxMs / 3600_000)} h); mint a shorter one`,
    );
  }
  const claims: TokenClaims = {
    team,
    role: role as Role,
    sub,
    iat: typeof iat === 'number' ? iat : 0,
    exp,
  };
  if (typeof name === 'string' && name) claims.name = name;
  return { ok: true, claims };
}

/** `sha256=<hex>` of the raw body, as a helpdesk puts it in `X-Signature-256`. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${hmac(secret, body).toString('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; error: string };

/** Checks an `X-Signature-256` header against the raw body in constant time. */
export function verifyBodySignature(
  secret: string,
  body: Buffer,
  header: string | string[] | undefined,
): SignatureCheck {
  if (header === undefined || header === '') {
    return { ok: false, error: 'missing X-Signature-256 header (sha256=<hex HMAC of the body>)' };
  }
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec((value ?? '').trim());
  if (!m) return { ok: false, error: 'X-Signature-256 must be sha256=<64 hex digits>' };
  const given = Buffer.from(m[1]!.toLowerCase(), 'hex');
  if (!safeEqual(given, hmac(secret, body))) {
    return { ok: false, error: 'X-Signature-256 does not match the body' };
  }
  return { ok: true };
}

/** Constant-time comparison of a presented shared secret (connectors may use it directly). */
export function isSecret(secret: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  return safeEqual(hmac('secret-check', presented), hmac('secret-check', secret));
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Parses `90s`, `15m`, `8h`, `7d`, `2w`, `500ms` (a bare number is seconds); null if bad. */
export function parseDuration(value: string): number | null {
  const m = DURATION.exec(value.trim());
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
}
