using AuthOpenIdc.Protocol;
using AuthOpenIdc.RedirectUri;
using AuthOpenIdc.RelyingParty.Events;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using System.Globalization;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Starts a login: a fresh state, nonce and PKCE verifier in a new state cookie, and a 302 to the OP's
/// authorization endpoint with <c>Cache-Control: no-store</c> (mod_auth_openidc §1.28).
/// </summary>
internal static class AuthorizationRequest
{
    /// <summary>Parameters only the library sets: neither configuration, endpoints nor events can replace them.</summary>
    private static readonly HashSet<string> ProtocolParameters = new(StringComparer.Ordinal)
    {
        "client_id", "response_type", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method", "response_mode", "scope", "request", "request_uri",
    };

    public static async Task StartAsync(RedirectUriContext context, AuthenticationProperties properties, OidcAuthorizationRequestAttribute? endpoint)
    {
        var http = context.HttpContext;
        var options = context.Options;
        var runtime = context.Runtime;
        ProviderMetadata provider;
        try
        {
            provider = await runtime.Provider.GetAsync(context.Aborted).ConfigureAwait(false);
        }
        catch (OidcProtocolException ex)
        {
            await context.FailAsync(ex.Error, ex.Message, properties).ConfigureAwait(false);
            return;
        }
        if (!runtime.StateCookies.MakeRoom(http))
        {
            AuthOpenIdcLog.StateCookieLimitReached(runtime.Logger);
            await context.FailAsync(new OidcError(OidcErrorCodes.TooManyPendingLogins, "Too many sign-ins are pending in this browser. Please finish one or try again in a few minutes.", 503), "state cookie limit reached", properties).ConfigureAwait(false);
            return;
        }

        var request = http.Request;
        var redirectUri = RedirectUriPath.Absolute(request, options.RedirectUri);
        var returnUrl = runtime.RedirectTargets.Validate(properties.RedirectUri, request)
            ?? $"{request.PathBase}{request.Path}{request.QueryString}";
        var state = new StateData
        {
            State = ProtocolRandom.NewValue(),
            Nonce = ProtocolRandom.NewValue(),
            CodeVerifier = Pkce.NewVerifier(),
            ReturnUrl = returnUrl.Length == 0 ? "/" : returnUrl,
            Method = request.Method,
            CreatedAt = runtime.Time.GetUtcNow().ToUnixTimeSeconds(),
            ResponseMode = options.ResponseMode,
            MaxAgeRequested = options.MaxAge is not null,
            RedirectUri = redirectUri,
        };

        var protocol = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["client_id"] = options.ClientId!,
            ["response_type"] = "code",
            ["scope"] = Scopes(options.Scope, endpoint?.Scope, properties.GetParameter<string>("scope")),
            ["redirect_uri"] = redirectUri,
            ["state"] = state.State,
            ["nonce"] = state.Nonce,
            ["code_challenge"] = Pkce.Challenge(state.CodeVerifier),
            ["code_challenge_method"] = Pkce.Method,
        };
        if (options.ResponseMode == AuthorizationResponseMode.FormPost)
        {
            protocol["response_mode"] = "form_post";
        }
        var parameters = new Dictionary<string, string>(protocol, StringComparer.Ordinal);
        AddExtra(parameters, "prompt", options.Prompt);
        AddExtra(parameters, "login_hint", options.LoginHint);
        AddExtra(parameters, "acr_values", options.AcrValues);
        AddExtra(parameters, "max_age", options.MaxAge is { } maxAge ? ((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null);
        AddExtra(parameters, "ui_locales", options.UiLocales);
        AddExtra(parameters, "display", options.Display);
        foreach (var (name, value) in options.AuthorizationParameters)
        {
            AddExtra(parameters, name, value);
        }
        if (endpoint?.Parameters is { Length: > 0 } endpointParameters)
        {
            foreach (var (name, value) in QueryHelpers.ParseQuery(endpointParameters))
            {
                AddExtra(parameters, name, value.ToString());
            }
        }
        foreach (var (name, value) in properties.Parameters)
        {
            AddExtra(parameters, name, value switch
            {
                string s => s,
                TimeSpan t => ((long)t.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => null,
            });
        }

        var redirecting = new RedirectToIdentityProviderContext(http, context.Scheme, options, properties, parameters);
        await context.Events.RedirectToIdentityProvider(redirecting).ConfigureAwait(false);
        if (redirecting.Handled)
        {
            return;
        }
        if (redirecting.FailureReason is { } reason)
        {
            await context.FailAsync(new OidcError(OidcErrorCodes.EventRejected, "The sign-in was rejected by the application.", 403), "an event rejected the login: " + reason, properties).ConfigureAwait(false);
            return;
        }
        // Whatever an event did, the protocol parameters are ours: theirs are restored, others removed.
        foreach (var name in ProtocolParameters)
        {
            parameters.Remove(name);
        }
        foreach (var (name, value) in protocol)
        {
            parameters[name] = value;
        }

        state.Prompt = parameters.GetValueOrDefault("prompt");
        runtime.StateCookies.Write(http, state);
        context.Redirect(QueryHelpers.AddQueryString(provider.AuthorizationEndpoint, parameters!));
        runtime.Metrics.Challenge("redirect");
        AuthOpenIdcLog.Challenge(runtime.Logger, "redirect");
    }

    private static void AddExtra(Dictionary<string, string> parameters, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value) && !ProtocolParameters.Contains(name))
        {
            parameters[name] = value;
        }
    }

    private static string Scopes(params string?[] sources)
    {
        var scopes = new List<string> { "openid" };
        foreach (var source in sources)
        {
            foreach (var scope in (source ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!scopes.Contains(scope))
                {
                    scopes.Add(scope);
                }
            }
        }
        return string.Join(' ', scopes);
    }
}
