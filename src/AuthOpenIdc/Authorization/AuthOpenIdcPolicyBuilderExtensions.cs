using AuthOpenIdc.Authorization;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>
/// mod_auth_openidc's <c>Require claim</c> for ASP.NET Core policies. Unlike the built-in
/// <c>RequireClaim</c>, these follow nested paths into JSON claims, compare by JSON type and accept
/// regular expressions. They need <c>services.AddAuthOpenIdcAuthorization()</c>; without it they fail closed.
/// </summary>
public static class AuthOpenIdcPolicyBuilderExtensions
{
    /// <summary>Requires the value at <paramref name="path"/> (or any element of an array there) to equal one of <paramref name="anyOf"/>.</summary>
    public static AuthorizationPolicyBuilder RequireClaimValue(this AuthorizationPolicyBuilder builder, string path, params string[] anyOf)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRequirements(ClaimRequirement.AnyOf(path, anyOf));
    }

    /// <summary>Requires a string value at <paramref name="path"/> (or a string element of an array there) to match <paramref name="regex"/>, unanchored.</summary>
    public static AuthorizationPolicyBuilder RequireClaimMatch(this AuthorizationPolicyBuilder builder, string path, string regex)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRequirements(ClaimRequirement.Matching(path, regex));
    }

    /// <summary>Requires a mod_auth_openidc claim expression, <c>path:value</c> or <c>path~regex</c>, as <see cref="ClaimRequirement.Parse"/> reads it.</summary>
    public static AuthorizationPolicyBuilder RequireClaimExpression(this AuthorizationPolicyBuilder builder, string expression)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRequirements(ClaimRequirement.Parse(expression));
    }

    /// <summary>Requires all of <paramref name="scopes"/> in the <c>scope</c> claim, space-separated or one claim per scope.</summary>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder builder, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRequirements(new ScopeRequirement(scopes));
    }
}
