// The AuthOpenIdc API sample: a JSON API protected by the OAuth 2.0 resource server. Callers send
// `Authorization: Bearer <access token>`; the token is validated locally as a JWT (appsettings.json) or by
// introspection at the authorization server (appsettings.Introspection.json). docs/resource-server.md walks through it.
using AuthOpenIdc.Samples.Api;

ApiApp.Build(args).Run();
