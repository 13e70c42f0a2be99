using Microsoft.AspNetCore.Authorization;

namespace AuthOpenIdc.Authorization;

/// <summary>
/// Requires every listed OAuth 2.0 scope in the <c>scope</c> claim. It exists beside
/// <see cref="ClaimRequirement"/> because scopes arrive in two shapes: one space-separated string
/// (RFC 9068 access tokens, RFC 7662 introspection) or one claim per scope, and an exact claim match
/// only handles the second.
/// </summary>
/// <remarks>Evaluated by a handler that <c>AddAuthOpenIdcAuthorization()</c> registers; without it the policy fails closed.</remarks>
public sealed class ScopeRequirement : IAuthorizationRequirement
{
    /// <summary>The claim that carries the scopes.</summary>
    public const string ClaimType = "scope";

    private readonly string[] _scopes;

    /// <summary>Creates a requirement for all of <paramref name="scopes"/>.</summary>
    /// <exception cref="ArgumentException">No scope is given, or one is empty or contains a space.</exception>
    public ScopeRequirement(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        _scopes = [.. scopes];
        if (_scopes.Length == 0)
        {
            throw new ArgumentException("At least one scope is required.", nameof(scopes));
        }

        foreach (string scope in _scopes)
        {
            if (string.IsNullOrEmpty(scope) || scope.Contains(' ', StringComparison.Ordinal))
            {
                throw new ArgumentException("A scope must be a non-empty token without spaces.", nameof(scopes));
            }
        }

        Scopes = Array.AsReadOnly(_scopes);
    }

    /// <summary>The scopes that must all be present.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The scopes as a span, so the per-request check allocates no enumerator.</summary>
    internal ReadOnlySpan<string> RequiredScopes => _scopes;

    /// <summary>Names the scopes for ASP.NET Core's authorization failure log.</summary>
    public override string ToString() => $"scope {string.Join(' ', _scopes)}";
}
