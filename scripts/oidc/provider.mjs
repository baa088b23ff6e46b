// A certified OpenID Connect provider (oidc-provider) shaped like one Entra ID tenant, for the portal's sign-in
// browser tests. It answers at http://127.0.0.1:<port>/<tenant>/v2.0, as login.microsoftonline.com/<tenant>/v2.0 does,
// and issues ID tokens with Entra ID's claims: oid, tid, roles (the app roles), preferred_username, name, ver "2.0",
// and for a B2B guest idp (the guest's home tenant). A test registers its portal as a client by dynamic registration
// (the app registration), since only the test knows the portal's address. People sign in by typing a username on
// the small login page below; there are no passwords: the point is the portal's side of the protocol.
//
//   node provider.mjs <port>        started by scripts/test-oidc.sh, which exports PORTAL_OIDC_AUTHORITY
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('Usage: node provider.mjs <port>');
  process.exit(2);
}

// The NHS organisation's tenant: every account below signs in to it (guests included, as B2B guests do).
const tenantId = 'a3c1e0d2-5b7f-4e21-9c44-0d7e6f1b2a90';
const supplierHomeTenantId = 'f0e9d8c7-b6a5-4938-8271-605f4e3d2c1b';
const mountPath = `/${tenantId}/v2.0`;
const issuer = `http://127.0.0.1:${port}${mountPath}`;

// The test accounts, by the username typed on the login page. "sub" is pairwise in Entra ID and differs from "oid",
// so a portal that keyed people by "sub" would not find them again in production.
const accounts = new Map([
  ['priya.shah@valley-trust.example', {
    sub: 'pairwise-officer-7Qm2', oid: '5f1d2c3b-4a59-4e68-8b7c-1d2e3f4a5b6c', tid: tenantId,
    name: 'Priya Shah', roles: ['ProcurementOfficer'],
  }],
  // A supplier's account manager invited as a B2B guest: a guest object in the trust's tenant (oid, tid) whose home
  // account is in the supplier's own tenant (idp); preferred_username is their own e-mail address.
  ['jordan.lee@acme-clinical.example', {
    sub: 'pairwise-guest-3Kx8', oid: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', tid: tenantId,
    name: 'Jordan Lee', roles: ['SupplierAccountManager'], idp: `https://sts.windows.net/${supplierHomeTenantId}/`,
  }],
  // A member of the tenant whom nobody has given one of the portal's app roles: Entra ID then sends no roles claim.
  ['casey.brown@valley-trust.example', {
    sub: 'pairwise-norole-8Vt1', oid: 'c4b3a291-8f7e-4d6c-a5b4-3c2d1e0f9a8b', tid: tenantId,
    name: 'Casey Brown',
  }],
]);

const entraClaims = ['oid', 'tid', 'roles', 'preferred_username', 'name', 'ver', 'idp'];

const provider = new Provider(issuer, {
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    if (!account) {
      return undefined;
    }

    return {
      accountId: id,
      async claims() {
        const { sub, ...rest } = account;
        return { sub, ...rest, preferred_username: id, ver: '2.0' };
      },
    };
  },
  // Entra ID puts these claims in the ID token whatever the flow, so they are claims of the "openid" scope here.
  claims: { openid: ['sub', ...entraClaims], profile: ['name'], email: ['email'] },
  conformIdTokenClaims: false,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  responseTypes: ['code'],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
  },
  interactions: { url: (ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
  // A confidential web app registration, as the portal's is in Entra ID.
  clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' },
  ttl: { Session: 8 * 3600, Interaction: 3600, Grant: 8 * 3600, IdToken: 3600, AccessToken: 3600, AuthorizationCode: 600 },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<h1>Sign-in error</h1><p id="error">${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
  },
});

async function logoutSource(ctx, form) {
  ctx.body = page('Sign out', `<h1>Sign out of the test identity provider</h1>
    ${form}
    <p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button></p>
    <p><button type="submit" form="op.logoutForm">Stay signed in</button></p>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = page('Signed out', '<h1>Signed out of the test identity provider</h1><p>The portal did not ask to be sent back.</p>');
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} - test identity provider</title>
    <meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>${body}</main></body></html>`;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function loginPage(uid, error) {
  return page('Sign in', `<h1>Sign in to the test identity provider</h1>
    ${error ? `<p id="error" role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="${mountPath}/interaction/${escape(uid)}/login">
      <p><label for="username">Username</label> <input id="username" name="username" autocomplete="username" required></p>
      <p><button type="submit">Sign in</button></p>
    </form>`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) {
      throw new Error('form too large');
    }
  }

  return new URLSearchParams(body);
}

// The login page, and consent given at once for every client, as a tenant's administrator consents for an app.
async function interaction(req, res, path) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    grant.addOIDCScope(String(params.scope));
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return;
  }

  if (req.method === 'POST' && path.endsWith('/login')) {
    const username = ((await readForm(req)).get('username') ?? '').trim().toLowerCase();
    if (!accounts.has(username)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(uid, `There is no test account ${username}.`));
      return;
    }

    await provider.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
    return;
  }

  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(loginPage(uid));
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  try {
    if (!req.url.startsWith(`${mountPath}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`This provider answers under ${mountPath}/.`);
      return;
    }

    const path = req.url.split('?')[0];
    if (path.startsWith(`${mountPath}/interaction/`)) {
      await interaction(req, res, path);
      return;
    }

    req.originalUrl = req.url;
    req.url = req.url.substring(mountPath.length);
    callback(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' });
    }
    res.end(String(error?.message ?? error));
  }
});

server.listen(port, '127.0.0.1', () => console.log(`oidc-provider answers as ${issuer}`));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
