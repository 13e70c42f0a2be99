using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.Authorization;

/// <summary>
/// Compares one value, a <see cref="Claim"/> or a nested <see cref="JsonElement"/>, with a requirement by
/// its JSON type, so <c>email_verified:true</c> matches the boolean and <c>age:42</c> the number, as in
/// mod_auth_openidc.
/// </summary>
internal static class ClaimValueMatcher
{
    private enum ValueKind
    {
        String,
        Number,
        Boolean,
        Json,
    }

    /// <summary>Matches a top-level claim, typed by its <see cref="Claim.ValueType"/>.</summary>
    public static ClaimEvaluation MatchClaim(ClaimRequirement requirement, Claim claim) => Classify(claim.ValueType) switch
    {
        ValueKind.String => MatchString(requirement, claim.Value),
        ValueKind.Number => requirement.Pattern is null && AnyNumberEquals(requirement, claim.Value)
            ? ClaimEvaluation.Matched
            : ClaimEvaluation.None,
        ValueKind.Boolean => requirement.Pattern is null && bool.TryParse(claim.Value, out bool value)
            && AnyEquals(requirement, value ? "true" : "false")
            ? ClaimEvaluation.Matched
            : ClaimEvaluation.None,

        // An object has no value to compare, and an array element that is itself an array is not recursed.
        _ => ClaimEvaluation.None,
    };

    /// <summary>Matches the value a nested path ended at: a primitive, or any primitive element of an array.</summary>
    public static ClaimEvaluation MatchElement(ClaimRequirement requirement, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return MatchPrimitive(requirement, element);
        }

        var result = ClaimEvaluation.None;
        foreach (var item in element.EnumerateArray())
        {
            result |= MatchPrimitive(requirement, item);
            if ((result & ClaimEvaluation.Matched) != 0)
            {
                break;
            }
        }

        return result;
    }

    private static ClaimEvaluation MatchPrimitive(ClaimRequirement requirement, JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => requirement.Pattern is null
            ? (AnyStringEquals(requirement, element) ? ClaimEvaluation.Matched : ClaimEvaluation.None)
            : MatchRegex(requirement.Pattern, element.GetString()!),
        JsonValueKind.Number => requirement.Pattern is null && AnyNumberEquals(requirement, element.GetRawText())
            ? ClaimEvaluation.Matched
            : ClaimEvaluation.None,
        JsonValueKind.True => requirement.Pattern is null && AnyEquals(requirement, "true") ? ClaimEvaluation.Matched : ClaimEvaluation.None,
        JsonValueKind.False => requirement.Pattern is null && AnyEquals(requirement, "false") ? ClaimEvaluation.Matched : ClaimEvaluation.None,

        // Objects, nested arrays and null never match.
        _ => ClaimEvaluation.None,
    };

    private static ClaimEvaluation MatchString(ClaimRequirement requirement, string value)
    {
        if (requirement.Pattern is { } pattern)
        {
            return MatchRegex(pattern, value);
        }

        return AnyEquals(requirement, value) ? ClaimEvaluation.Matched : ClaimEvaluation.None;
    }

    private static ClaimEvaluation MatchRegex(Regex pattern, string value)
    {
        try
        {
            return pattern.IsMatch(value) ? ClaimEvaluation.Matched : ClaimEvaluation.None;
        }
        catch (RegexMatchTimeoutException)
        {
            return ClaimEvaluation.RegexTimedOut;
        }
    }

    private static bool AnyEquals(ClaimRequirement requirement, string value)
    {
        foreach (string expected in requirement.ExactValues)
        {
            if (string.Equals(expected, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyStringEquals(ClaimRequirement requirement, JsonElement element)
    {
        foreach (string expected in requirement.ExactValues)
        {
            if (element.ValueEquals(expected))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyNumberEquals(ClaimRequirement requirement, string actual)
    {
        foreach (string expected in requirement.ExactValues)
        {
            if (NumberEquals(actual, expected))
            {
                return true;
            }
        }

        return false;
    }

    private static bool NumberEquals(string actual, string expected)
    {
        // Integers compare exactly (a double loses precision above 2^53); anything else numerically.
        if (long.TryParse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long actualInteger)
            && long.TryParse(expected, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long expectedInteger))
        {
            return actualInteger == expectedInteger;
        }

        return double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out double actualNumber)
            && double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out double expectedNumber)
            && double.IsFinite(expectedNumber)
            && actualNumber == expectedNumber;
    }

    private static ValueKind Classify(string valueType) => valueType switch
    {
        ClaimValueTypes.Integer or ClaimValueTypes.Integer32 or ClaimValueTypes.Integer64
            or ClaimValueTypes.UInteger32 or ClaimValueTypes.UInteger64 or ClaimValueTypes.Double => ValueKind.Number,
        ClaimValueTypes.Boolean => ValueKind.Boolean,
        JsonClaimValueTypes.Json or JsonClaimValueTypes.JsonArray or JsonClaimValueTypes.JsonNull => ValueKind.Json,

        // Every other type (string, email, date ...) is text.
        _ => ValueKind.String,
    };
}
