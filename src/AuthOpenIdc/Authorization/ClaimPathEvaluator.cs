using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.Authorization;

/// <summary>
/// Resolves a <see cref="ClaimRequirement.Path"/> against a principal's claims and hands the values it
/// reaches to <see cref="ClaimValueMatcher"/>. It runs on every authorized request, so it allocates
/// nothing unless the path descends into a JSON claim, which is the only case that parses JSON.
/// </summary>
internal static class ClaimPathEvaluator
{
    /// <summary>Evaluates the requirement against the claims of all of the user's identities.</summary>
    public static ClaimEvaluation Evaluate(ClaimRequirement requirement, ClaimsPrincipal user)
    {
        string path = requirement.Path;
        int typeLength = LongestClaimTypeLength(path, user);
        if (typeLength < 0)
        {
            return ClaimEvaluation.None;
        }

        var result = ClaimEvaluation.None;
        foreach (var claim in user.Claims)
        {
            if (claim.Type.Length != typeLength || !IsPrefixAtBoundary(path, claim.Type))
            {
                continue;
            }

            result |= typeLength == path.Length
                ? ClaimValueMatcher.MatchClaim(requirement, claim)
                : MatchNested(requirement, claim, path.AsSpan(typeLength + 1));
            if ((result & ClaimEvaluation.Matched) != 0)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>
    /// The length of the longest claim type that is the whole path or a prefix of it ending at a dot,
    /// or -1; the longest wins so that a claim literally named <c>realm_access.roles</c> or
    /// <c>https://example.com/roles</c> is found whole rather than split at its dots.
    /// </summary>
    private static int LongestClaimTypeLength(string path, ClaimsPrincipal user)
    {
        int longest = -1;
        foreach (var claim in user.Claims)
        {
            int length = claim.Type.Length;
            if (length > longest && IsPrefixAtBoundary(path, claim.Type))
            {
                longest = length;
                if (length == path.Length)
                {
                    break;
                }
            }
        }

        return longest;
    }

    private static bool IsPrefixAtBoundary(string path, string claimType)
    {
        int length = claimType.Length;
        if (length == 0 || length > path.Length)
        {
            return false;
        }

        return (length == path.Length || path[length] == '.')
            && path.AsSpan(0, length).SequenceEqual(claimType);
    }

    private static ClaimEvaluation MatchNested(ClaimRequirement requirement, Claim claim, ReadOnlySpan<char> rest)
    {
        // Only an object claim has members; a string that happens to hold JSON is user data, not structure.
        if (!string.Equals(claim.ValueType, JsonClaimValueTypes.Json, StringComparison.Ordinal))
        {
            return ClaimEvaluation.None;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(claim.Value);
        }
        catch (JsonException)
        {
            return ClaimEvaluation.InvalidJson;
        }

        using (document)
        {
            var element = document.RootElement;
            while (true)
            {
                // "." descends only into objects: arrays on the way are not searched, as in mod_auth_openidc.
                if (element.ValueKind != JsonValueKind.Object
                    || !TryGetLongestMember(element, rest, out var member, out int consumed))
                {
                    return ClaimEvaluation.None;
                }

                if (consumed == rest.Length)
                {
                    return ClaimValueMatcher.MatchElement(requirement, member);
                }

                element = member;
                rest = rest[(consumed + 1)..];
            }
        }
    }

    /// <summary>The member whose name is the longest dot-bounded prefix of <paramref name="rest"/>, the same rule as for claim types.</summary>
    private static bool TryGetLongestMember(JsonElement obj, ReadOnlySpan<char> rest, out JsonElement member, out int length)
    {
        length = rest.Length;
        while (true)
        {
            if (obj.TryGetProperty(rest[..length], out member))
            {
                return true;
            }

            length = rest[..length].LastIndexOf('.');
            if (length <= 0)
            {
                return false;
            }
        }
    }
}
