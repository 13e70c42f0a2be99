using AuthOpenIdc.HeaderPassThrough;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds identity pass-through headers for applications that proxy to, or are written like, a backend behind mod_auth_openidc.</summary>
public static class ClaimHeadersApplicationBuilderExtensions
{
    /// <summary>
    /// Removes every incoming header that could pose as an identity header and, for an authenticated user,
    /// sets <c>OIDC_CLAIM_*</c> (and optionally the user and access-token headers) on the request.
    /// </summary>
    /// <remarks>
    /// Place it after <c>UseAuthentication()</c>, so <c>HttpContext.User</c> is known, and before the
    /// proxy or the endpoints that read the headers. Invalid options throw an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> when the pipeline is built.
    /// </remarks>
    public static IApplicationBuilder UseOidcClaimHeaders(this IApplicationBuilder app, Action<ClaimHeadersOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = new ClaimHeadersOptions();
        configure?.Invoke(options);
        return app.UseMiddleware<ClaimHeadersMiddleware>(options);
    }
}
