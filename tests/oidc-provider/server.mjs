// A real OpenID Provider (panva/oidc-provider 9.x) for the AuthOpenIdc integration tests and the demo.
//
// Usage: node server.mjs [--port N] [--host 127.0.0.1]
//   --port 0 (the default) picks a free port. The issuer is http://<host>:<port> (no trailing slash).
//   Once listening, exactly one line "READY <issuer>" is written to stdout.
//
// Environment:
//   OP_ACCESS_TOKEN_TTL  access token lifetime in seconds (default 300)
//   OP_EXTRA_CLIENTS     JSON array of client metadata objects appended to the built-in clients
//   OP_DEBUG             when set to 1, log every request to stderr
//   OP_ENABLE_HTTP_POST  when set to 1, also accept POST at /auth and /session/end (enableHttpPostMethods; the
//                        session cookie is then SameSite=None, which HttpClient accepts over http, browsers do not)
//
// The process exits on SIGTERM/SIGINT and, when stdin is a pipe, as soon as stdin is closed (so a test host that
// dies never leaves it running). When stdin is a terminal, /dev/null or a file it is not watched.

import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import process from 'node:process';
import { parseArgs } from 'node:util';

import Provider, { errors, interactionPolicy } from 'oidc-provider';

const TEST_API = 'urn:authopenidc:test-api';
// The same API with opaque (reference) access tokens, which only introspection can validate: oidc-provider does not
// introspect its own JWT access tokens ("Structured JWT Tokens cannot be introspected").
const TEST_API_OPAQUE = 'urn:authopenidc:test-api-opaque';
// The resource servers (RFC 8707 resource indicators) and the access tokens the OP issues for each.
const RESOURCE_SERVERS = new Map([
  [TEST_API, { scope: 'api:read api:write', audience: TEST_API, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } }],
  [TEST_API_OPAQUE, { scope: 'api:read api:write', audience: TEST_API_OPAQUE, accessTokenFormat: 'opaque', accessTokenTTL: 300 }],
]);
// Seconds of leeway for expiry checks (oidc-provider's default is 15). Stored entries live this much longer than
// their TTL, like in oidc-provider's own memory adapter, so the leeway actually applies (e.g. at /me).
const CLOCK_TOLERANCE = 5;

function fail(message, error) {
  process.stderr.write(`oidc-provider test OP: ${message}${error ? `\n${error.stack ?? error}` : ''}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------------------------
// Command line, environment
// ---------------------------------------------------------------------------------------------------------------
let args;
try {
  ({ values: args } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
    },
    strict: true,
  }));
} catch (error) {
  fail(`${error.message}\nusage: node server.mjs [--port N] [--host 127.0.0.1]`);
}

const host = args.host;
const requestedPort = Number.parseInt(args.port, 10);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535 || String(requestedPort) !== args.port.trim()) {
  fail(`invalid --port value '${args.port}'`);
}

function positiveIntFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value <= 0 || String(value) !== raw.trim()) {
    fail(`${name} must be a positive integer number of seconds, got '${raw}'`);
  }
  return value;
}

const accessTokenTtl = positiveIntFromEnv('OP_ACCESS_TOKEN_TTL', 300);
const debug = process.env.OP_DEBUG === '1';
const enableHttpPostMethods = process.env.OP_ENABLE_HTTP_POST === '1';

let extraClients = [];
if (process.env.OP_EXTRA_CLIENTS) {
  try {
    extraClients = JSON.parse(process.env.OP_EXTRA_CLIENTS);
  } catch (error) {
    fail(`OP_EXTRA_CLIENTS is not valid JSON: ${error.message}`);
  }
  if (!Array.isArray(extraClients) || extraClients.some((c) => c === null || typeof c !== 'object' || Array.isArray(c))) {
    fail('OP_EXTRA_CLIENTS must be a JSON array of client metadata objects');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lifetime: exit on signals and when the parent closes our stdin pipe.
// ---------------------------------------------------------------------------------------------------------------
let shuttingDown = false;
function shutdown(reason) {
  if (shuttingDown) return;
  shuttingDown = true;
  if (debug) process.stderr.write(`oidc-provider test OP: exiting (${reason})\n`);
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGHUP', () => shutdown('SIGHUP'));

function stdinIsPipe() {
  if (process.stdin.isTTY) return false;
  try {
    const stat = fs.fstatSync(0);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}
if (stdinIsPipe()) {
  process.stdin.on('end', () => shutdown('stdin ended'));
  process.stdin.on('close', () => shutdown('stdin closed'));
  process.stdin.on('error', () => shutdown('stdin error'));
  process.stdin.on('data', () => { /* ignore input; reading keeps the 'end' event coming */ });
  process.stdin.resume();
}

// ---------------------------------------------------------------------------------------------------------------
// Port: the issuer must contain the port, so find a free one before constructing the Provider.
// ---------------------------------------------------------------------------------------------------------------
function findFreePort(onHost) {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen({ port: 0, host: onHost, exclusive: true }, () => {
      const { port } = probe.address();
      probe.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Storage: a plain Map-backed adapter (the built-in memory adapter is an LRU that evicts entries after ~1000).
// ---------------------------------------------------------------------------------------------------------------
const store = new Map(); // key -> { value, expiresAt (ms epoch) | undefined }
const grantIndex = new Map(); // grantId -> Set<key>

function storeGet(key) {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
    store.delete(key);
    return undefined;
  }
  return entry.value;
}

function storeSet(key, value, expiresIn) {
  const expiresAt = typeof expiresIn === 'number' ? Date.now() + (expiresIn + CLOCK_TOLERANCE) * 1000 : undefined;
  store.set(key, { value, expiresAt });
}

const sweeper = setInterval(() => {
  const now = Date.now();
  for (const [key, entry] of store) {
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) store.delete(key);
  }
  for (const [grantId, keys] of grantIndex) {
    for (const key of keys) if (!store.has(key)) keys.delete(key);
    if (keys.size === 0) grantIndex.delete(grantId);
  }
}, 60_000);
sweeper.unref();

class MapAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    storeSet(key, payload, expiresIn);
    if (payload.grantId) {
      let keys = grantIndex.get(payload.grantId);
      if (!keys) grantIndex.set(payload.grantId, (keys = new Set()));
      keys.add(key);
    }
    if (payload.uid) storeSet(`${this.model}:uid:${payload.uid}`, id, expiresIn);
    if (payload.userCode) storeSet(`${this.model}:userCode:${payload.userCode}`, id, expiresIn);
  }

  async find(id) {
    return storeGet(this.key(id));
  }

  async findByUid(uid) {
    const id = storeGet(`${this.model}:uid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = storeGet(`${this.model}:userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = storeGet(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    const keys = grantIndex.get(grantId);
    if (!keys) return;
    for (const key of keys) store.delete(key);
    grantIndex.delete(grantId);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Accounts: any login name is accepted (devInteractions ignores the password) and becomes `sub` verbatim.
// ---------------------------------------------------------------------------------------------------------------
function capitalize(word) {
  return word.length === 0 ? word : word[0].toUpperCase() + word.slice(1);
}

function accountClaims(login) {
  const local = login.includes('@') ? login.slice(0, login.indexOf('@')) : login;
  const parts = local.split(/[._\-\s]+/).filter(Boolean);
  const givenName = capitalize(parts[0] ?? local) || 'User';
  const familyName = parts.length > 1 ? parts.slice(1).map(capitalize).join(' ') : 'Example';
  const roles = login.startsWith('admin') ? ['user', 'admin'] : ['user'];
  return {
    sub: login,
    name: `${givenName} ${familyName}`,
    given_name: givenName,
    family_name: familyName,
    preferred_username: login,
    email: login.includes('@') ? login : `${login}@example.com`,
    email_verified: true,
    roles,
    groups: ['staff', 'engineering'],
    realm_access: { roles: [...roles] },
    locale: 'en',
  };
}

async function findAccount(_ctx, id) {
  if (typeof id !== 'string' || id.length === 0) return undefined;
  return {
    accountId: id,
    async claims(_use, _scope, _claims, _rejected) {
      return accountClaims(id);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Keys and clients
// ---------------------------------------------------------------------------------------------------------------
// Node 20 can deadlock in `generateKeyPairSync(...).privateKey.export({ format: 'jwk' })`: the JWK export holds the
// key's mutex while allocating, a GC during it finalizes the (finished) key generation job, and that job's destructor
// locks the same mutex (seen in about 1 of 20 starts; main thread stuck in ~KeyGenJob). So let the job encode the key
// as PEM itself and export the JWK from a fresh KeyObject that shares nothing with the job.
function privateJwk(type, options) {
  const { privateKey } = generateKeyPairSync(type, {
    ...options,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return createPrivateKey(privateKey).export({ format: 'jwk' });
}

function signingKeys() {
  const rsa = privateJwk('rsa', { modulusLength: 2048 });
  const ec = privateJwk('ec', { namedCurve: 'P-256' });
  return [
    { ...rsa, kid: 'rs1', use: 'sig', alg: 'RS256' },
    { ...ec, kid: 'es1', use: 'sig', alg: 'ES256' },
  ];
}

// Every interactive client is `native` so that loopback redirect URIs (http://127.0.0.1/...) match on any port.
const LOOPBACK_CLIENT = {
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1/oidc/callback'],
  post_logout_redirect_uris: ['http://127.0.0.1/', 'http://127.0.0.1/signed-out'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
};

const clients = [
  {
    ...LOOPBACK_CLIENT,
    client_id: 'demo-client',
    client_secret: 'demo-client-secret-0123456789abcdef',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    ...LOOPBACK_CLIENT,
    client_id: 'test-client',
    client_secret: 'test-client-secret-0123456789abcdef',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    ...LOOPBACK_CLIENT,
    client_id: 'test-client-post',
    client_secret: 'test-client-post-secret-0123456789ab',
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    ...LOOPBACK_CLIENT,
    client_id: 'public-client',
    token_endpoint_auth_method: 'none',
  },
  {
    ...LOOPBACK_CLIENT,
    client_id: 'es256-client',
    client_secret: 'es256-client-secret-0123456789abcdef',
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
  },
  {
    client_id: 'rs-client',
    client_secret: 'rs-client-secret-0123456789abcdef',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: [],
    response_types: [],
    grant_types: ['client_credentials'],
  },
  {
    // Asks for RFC 9701 signed introspection responses (features.jwtIntrospection): with
    // Accept: application/token-introspection+jwt its answers are ES256 JWTs. Other clients get plain JSON unless
    // they send that Accept header.
    client_id: 'rs-jwt-client',
    client_secret: 'rs-jwt-client-secret-0123456789abcdef',
    token_endpoint_auth_method: 'client_secret_basic',
    redirect_uris: [],
    response_types: [],
    grant_types: ['client_credentials'],
    introspection_signed_response_alg: 'ES256',
  },
  ...extraClients,
];

{
  const seen = new Set();
  for (const client of clients) {
    if (typeof client.client_id !== 'string' || client.client_id === '') fail(`a client has no client_id: ${JSON.stringify(client)}`);
    if (seen.has(client.client_id)) fail(`duplicate client_id '${client.client_id}'`);
    seen.add(client.client_id);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Interaction policy: the default one, minus the consent check 'native_client_prompt', which makes every
// authorization request of a `native` client show the consent page (so prompt=none always fails with
// interaction_required and silent SSO never happens). Our clients are `native` only to get any-port loopback
// redirect URIs; they should behave like ordinary web clients otherwise.
// ---------------------------------------------------------------------------------------------------------------
function interactionPolicyForTests() {
  const policy = interactionPolicy.base();
  const consent = policy.get('consent');
  if (!consent?.checks.get('native_client_prompt')) {
    fail("the interaction policy has no consent check 'native_client_prompt' (oidc-provider changed?)");
  }
  consent.checks.remove('native_client_prompt');
  return policy;
}

// ---------------------------------------------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------------------------------------------
const keys = signingKeys();
const cookieKeys = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];

async function createProvider(issuer) {
  const provider = new Provider(issuer, {
    adapter: MapAdapter,
    clients,
    jwks: { keys },
    cookies: {
      keys: cookieKeys,
      // POST to /auth and /session/end (enableHttpPostMethods) needs SameSite=None session cookies.
      ...(enableHttpPostMethods ? { long: { sameSite: 'none' } } : {}),
    },
    enableHttpPostMethods,
    findAccount,
    interactions: {
      policy: interactionPolicyForTests(),
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale'],
      email: ['email', 'email_verified'],
      roles: ['roles', 'groups', 'realm_access'],
    },
    clockTolerance: CLOCK_TOLERANCE,
    features: {
      devInteractions: { enabled: true },
      introspection: { enabled: true },
      jwtIntrospection: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      backchannelLogout: { enabled: true },
      claimsParameter: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? undefined,
        getResourceServerInfo: async (_ctx, resourceIndicator, _client) => {
          const info = RESOURCE_SERVERS.get(resourceIndicator);
          if (!info) throw new errors.InvalidTarget();
          return structuredClone(info);
        },
        useGrantedResource: async () => true,
      },
    },
    issueRefreshToken: async (_ctx, client, _code) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 60,
      ClientCredentials: 300,
      IdToken: 300,
      Interaction: 600,
      RefreshToken: 24 * 3600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    // v9's outgoing fetch blocks special-use IPs (127/8 ...); drop its dispatcher so back-channel logout to a
    // loopback RP works.
    fetch: (url, { dispatcher: _dispatcher, ...options }) => globalThis.fetch(url, options),
  });

  for (const event of ['server_error', 'backchannel.error', 'introspection.error', 'revocation.error']) {
    provider.on(event, (...eventArgs) => {
      const error = eventArgs.find((a) => a instanceof Error);
      process.stderr.write(`oidc-provider test OP: ${event}: ${error?.stack ?? error ?? ''}\n`);
    });
  }
  if (debug) {
    provider.on('backchannel.success', (client) => process.stderr.write(`oidc-provider test OP: backchannel.success ${client.clientId}\n`));
    provider.use(async (ctx, next) => {
      await next();
      process.stderr.write(`oidc-provider test OP: ${ctx.method} ${ctx.originalUrl} -> ${ctx.status}\n`);
    });
  }

  // Static client metadata is validated lazily; look every client up now so bad metadata fails fast.
  for (const { client_id: clientId } of clients) {
    try {
      const client = await provider.Client.find(clientId);
      if (!client) throw new Error('not found');
    } catch (error) {
      fail(`client '${clientId}' is invalid: ${error.error_description ?? error.message}`);
    }
  }

  return provider;
}

function listen(provider, port) {
  return new Promise((resolve, reject) => {
    const server = provider.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => resolve(server));
  });
}

async function main() {
  // With --port 0 another process may grab the probed port before we bind it; then simply try another one.
  for (let attempt = 1; ; attempt += 1) {
    const port = requestedPort === 0 ? await findFreePort(host) : requestedPort;
    const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const provider = await createProvider(issuer);
    try {
      await listen(provider, port);
    } catch (error) {
      if (error.code === 'EADDRINUSE' && requestedPort === 0 && attempt < 5) continue;
      fail(`cannot listen on ${host}:${port}`, error);
    }
    process.stdout.write(`READY ${issuer}\n`);
    return;
  }
}

main().catch((error) => fail('startup failed', error));
