// The AuthOpenIdc sample: a browser app protected by an OpenID Connect login, which also calls the API sample
// (src/samples/AuthOpenIdc.Samples.Api) with the session's access token. docs/getting-started.md walks through it.
using AuthOpenIdc.Samples.WebApp;

SampleWebApp.Build(args).Run();
