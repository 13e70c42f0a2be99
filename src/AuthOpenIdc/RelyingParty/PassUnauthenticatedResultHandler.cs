using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// Implements <see cref="UnauthenticatedAction.Pass"/> (mod_auth_openidc <c>OIDCUnAuthAction pass</c>): where
/// authorization would challenge an anonymous request, the request goes on to the endpoint instead, which
/// can then serve a public variant. Every other outcome is the framework's default.
/// </summary>
internal sealed class PassUnauthenticatedResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();
    private readonly IOptionsMonitor<OidcRelyingPartyOptions> _options;
    private readonly IAuthenticationSchemeProvider _schemes;

    public PassUnauthenticatedResultHandler(IOptionsMonitor<OidcRelyingPartyOptions> options, IAuthenticationSchemeProvider schemes)
    {
        _options = options;
        _schemes = schemes;
    }

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged && await PassesAsync(context, policy).ConfigureAwait(false))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }

    private async Task<bool> PassesAsync(HttpContext context, AuthorizationPolicy policy)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<OidcUnauthenticatedActionAttribute>() is { } metadata)
        {
            return metadata.Action == UnauthenticatedAction.Pass;
        }
        IEnumerable<string> names = policy.AuthenticationSchemes;
        if (policy.AuthenticationSchemes.Count == 0)
        {
            var fallback = await _schemes.GetDefaultChallengeSchemeAsync().ConfigureAwait(false);
            names = fallback is null ? [] : [fallback.Name];
        }
        foreach (var name in names)
        {
            var scheme = await _schemes.GetSchemeAsync(name).ConfigureAwait(false);
            if (scheme?.HandlerType == typeof(OidcRelyingPartyHandler) && _options.Get(name).UnauthenticatedAction == UnauthenticatedAction.Pass)
            {
                return true;
            }
        }
        return false;
    }
}
