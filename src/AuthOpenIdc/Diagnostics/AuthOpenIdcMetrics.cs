using System.Diagnostics.Metrics;

namespace AuthOpenIdc.Diagnostics;

/// <summary>
/// The library's metrics (meter <c>AuthOpenIdc</c>), counted in one place per concern: the redirect_uri
/// dispatcher counts each function, the login path counts outcomes by error code, the resource server its cache
/// lookups and the validations that ran.
/// </summary>
internal sealed class AuthOpenIdcMetrics
{
    public const string MeterName = "AuthOpenIdc";

    private readonly Counter<long> _redirectUriRequests;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _loginFailures;
    private readonly Counter<long> _challenges;
    private readonly Counter<long> _tokenLookups;
    private readonly Counter<long> _tokenValidations;

    public AuthOpenIdcMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _redirectUriRequests = meter.CreateCounter<long>("authopenidc.redirect_uri.requests", description: "Requests at the redirect_uri, by function.");
        _logins = meter.CreateCounter<long>("authopenidc.logins", description: "Logins that created a session.");
        _loginFailures = meter.CreateCounter<long>("authopenidc.login.failures", description: "Failed logins and redirect_uri requests, by error code.");
        _challenges = meter.CreateCounter<long>("authopenidc.challenges", description: "Unauthenticated requests, by outcome.");
        _tokenLookups = meter.CreateCounter<long>("authopenidc.resource_server.lookups",
            description: "Bearer tokens looked up in the validation-result cache, by where the result came from: local (this process), shared (the cache backend), or miss.");
        _tokenValidations = meter.CreateCounter<long>("authopenidc.resource_server.validations",
            description: "Bearer-token validations that ran (JWT checks or introspection calls), by method and result.");
    }

    public void RedirectUriRequest(string endpoint) => _redirectUriRequests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    public void Login() => _logins.Add(1);

    public void LoginFailure(string code) => _loginFailures.Add(1, new KeyValuePair<string, object?>("code", code));

    public void Challenge(string outcome) => _challenges.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Per bearer request: cheap when nobody listens (the instrument is then disabled).</summary>
    public void TokenLookup(string source) => _tokenLookups.Add(1, new KeyValuePair<string, object?>("source", source));

    public void TokenValidation(string method, bool valid) => _tokenValidations.Add(1,
        new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("result", valid ? "valid" : "invalid"));
}
