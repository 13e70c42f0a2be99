// The AuthOpenIdc SPA sample: a plain-JavaScript single-page app whose backend (this app) is the OpenID Connect
// client, the Backend-for-Frontend pattern. The browser holds only the session cookie; it learns who is logged in
// from <redirect_uri>?info=json and calls /api/data with the X-CSRF header. docs/spa-bff.md walks through it.
using AuthOpenIdc.Samples.Spa;

SpaApp.Build(args).Run();
