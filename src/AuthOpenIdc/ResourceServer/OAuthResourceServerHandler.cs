using System.Text;
using System.Text.Encodings.Web;
using AuthOpenIdc.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// The OAuth 2.0 Resource Server scheme: finds the bearer token (RFC 6750), validates it locally as a JWT or by
/// introspection (RFC 7662), through the validation-result cache, and answers failures per RFC 6750 §3.
/// The authorization server being unreachable answers 503 (not 401: the token may well be valid, and a 401 would
/// make clients throw it away and re-authenticate, which a struggling server needs least).
/// </summary>
internal sealed class OAuthResourceServerHandler : AuthenticationHandler<OAuthResourceServerOptions>
{
    /// <summary>The <c>Retry-After</c> seconds of a 503.</summary>
    internal const string RetryAfterSeconds = "5";

    private readonly ResourceServerRuntimes _runtimes;
    private Failure? _failure;

    public OAuthResourceServerHandler(IOptionsMonitor<OAuthResourceServerOptions> options, ILoggerFactory logger, UrlEncoder encoder, ResourceServerRuntimes runtimes)
        : base(options, logger, encoder)
    {
        _runtimes = runtimes;
    }

    private enum FailureKind
    {
        InvalidRequest,
        InvalidToken,
        Unavailable,
    }

    private sealed record Failure(FailureKind Kind, string Description);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var request = Request;
        if (Options.AllowCorsPreflight && HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod))
        {
            return AuthenticateResult.NoResult();
        }
        var runtime = _runtimes.Get(Scheme.Name);
        ExtractedToken extracted;
        try
        {
            extracted = await BearerTokenExtractor.ExtractAsync(request, Options.AcceptTokenAs, Options.TokenCookieName, runtime, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            extracted = ExtractedToken.Invalid("the form body is malformed");
        }
        if (extracted.InvalidRequest is { } invalid)
        {
            AuthOpenIdcLog.ResourceServerInvalidRequest(Logger, Scheme.Name, invalid);
            return Fail(FailureKind.InvalidRequest, invalid);
        }
        if (extracted.Token is not { } token)
        {
            return AuthenticateResult.NoResult();
        }
        if (token.Length > Options.MaxTokenLength)
        {
            return Fail(FailureKind.InvalidToken, "the token is too long");
        }

        ValidatedToken result;
        try
        {
            result = await runtime.ValidateAsync(token, extracted.Local, Context.RequestAborted).ConfigureAwait(false);
        }
        catch (OidcProtocolException ex)
        {
            AuthOpenIdcLog.ResourceServerAuthorizationServerUnavailable(Logger, Scheme.Name, ex.Message);
            return Fail(FailureKind.Unavailable, "the authorization server is unavailable");
        }
        if (!result.IsValid)
        {
            AuthOpenIdcLog.ResourceServerTokenRefused(Logger, Scheme.Name, result.Error!);
            return Fail(FailureKind.InvalidToken, result.Error!);
        }
        var principal = result.CreatePrincipal(Scheme.Name, ClaimsIssuer, Options.RoleClaimType);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    private AuthenticateResult Fail(FailureKind kind, string description)
    {
        _failure = new Failure(kind, description);
        return AuthenticateResult.Fail(description);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var response = Response;
        response.Headers.CacheControl = "no-store";
        switch (_failure?.Kind)
        {
            case FailureKind.Unavailable:
                response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                response.Headers.RetryAfter = RetryAfterSeconds;
                return;
            case FailureKind.InvalidRequest:
                response.StatusCode = StatusCodes.Status400BadRequest;
                response.Headers.WWWAuthenticate = Challenge("invalid_request", _failure.Description);
                return;
            case FailureKind.InvalidToken:
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = Challenge("invalid_token", _failure.Description);
                return;
            default:
                // RFC 6750 §3.1: no credentials, no error code.
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = Challenge(null, null);
                return;
        }
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.Headers.WWWAuthenticate = Challenge("insufficient_scope", "the token lacks a scope or claim this resource requires");
        return Task.CompletedTask;
    }

    /// <summary><c>Bearer realm="…", error="…", error_description="…"</c>; <c>Basic</c> when only Basic is accepted.</summary>
    private string Challenge(string? error, string? description)
    {
        var scheme = Options.AcceptTokenAs == AcceptTokenAs.Basic ? "Basic" : "Bearer";
        var text = new StringBuilder(scheme);
        var separator = " ";
        if (!string.IsNullOrEmpty(Options.Realm))
        {
            text.Append(separator).Append("realm=\"").Append(Options.Realm).Append('"');
            separator = ", ";
        }
        if (error is not null)
        {
            text.Append(separator).Append("error=\"").Append(error).Append('"');
            separator = ", ";
            if (description is not null)
            {
                // Our own fixed texts; quotes and backslashes are dropped anyway (RFC 6750 §3 restricts the characters).
                text.Append(separator).Append("error_description=\"").Append(description.Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal)).Append('"');
            }
        }
        return text.ToString();
    }
}
