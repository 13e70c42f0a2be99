using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace AuthOpenIdc.Authorization;

/// <summary>
/// Succeeds a <see cref="ScopeRequirement"/> when every scope appears in a <c>scope</c> claim, whether
/// the claim is one space-separated string or one claim per scope; it splits without allocating.
/// </summary>
internal sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        foreach (string scope in requirement.RequiredScopes)
        {
            if (!HasScope(context.User, scope))
            {
                return Task.CompletedTask;
            }
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }

    private static bool HasScope(ClaimsPrincipal user, string scope)
    {
        foreach (var claim in user.Claims)
        {
            if (!string.Equals(claim.Type, ScopeRequirement.ClaimType, StringComparison.Ordinal))
            {
                continue;
            }

            var value = claim.Value.AsSpan();
            foreach (var range in value.Split(' '))
            {
                if (value[range].SequenceEqual(scope))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
