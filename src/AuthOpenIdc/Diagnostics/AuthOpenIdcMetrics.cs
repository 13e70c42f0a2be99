using System.Diagnostics.Metrics;

namespace AuthOpenIdc.Diagnostics;

/// <summary>
/// The library's metrics (meter <c>AuthOpenIdc</c>), counted in one place per concern: the redirect_uri
/// dispatcher counts each function, the login path counts outcomes by error code.
/// </summary>
internal sealed class AuthOpenIdcMetrics
{
    public const string MeterName = "AuthOpenIdc";

    private readonly Counter<long> _redirectUriRequests;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _loginFailures;
    private readonly Counter<long> _challenges;

    public AuthOpenIdcMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _redirectUriRequests = meter.CreateCounter<long>("authopenidc.redirect_uri.requests", description: "Requests at the redirect_uri, by function.");
        _logins = meter.CreateCounter<long>("authopenidc.logins", description: "Logins that created a session.");
        _loginFailures = meter.CreateCounter<long>("authopenidc.login.failures", description: "Failed logins and redirect_uri requests, by error code.");
        _challenges = meter.CreateCounter<long>("authopenidc.challenges", description: "Unauthenticated requests, by outcome.");
    }

    public void RedirectUriRequest(string endpoint) => _redirectUriRequests.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));

    public void Login() => _logins.Add(1);

    public void LoginFailure(string code) => _loginFailures.Add(1, new KeyValuePair<string, object?>("code", code));

    public void Challenge(string outcome) => _challenges.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
