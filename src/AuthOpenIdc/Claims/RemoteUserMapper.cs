using System.Text.Json;
using System.Text.RegularExpressions;
using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.Claims;

/// <summary>
/// Derives the remote user (mod_auth_openidc <c>OIDCRemoteUserClaim &lt;claim&gt;[@] [regex] [replacement]</c>).
/// Computed once at login and stored in the session, so requests pay nothing for it.
/// </summary>
internal sealed class RemoteUserMapper
{
    private readonly OidcRemoteUserOptions _options;
    private readonly Lazy<Regex?> _regex;

    public RemoteUserMapper(OidcRemoteUserOptions options)
    {
        _options = options;
        // Lazy: the runtime is built before options validation, which reports a bad pattern by its key.
        _regex = new Lazy<Regex?>(() => string.IsNullOrEmpty(options.Regex)
            ? null
            : new Regex(options.Regex, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));
    }

    /// <summary>Returns the remote user, or null when the claim is missing or the regex does not match.</summary>
    public string? Map(JsonElement claims, string issuer)
    {
        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty(_options.Claim, out var value))
        {
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        // As mod_auth_openidc: the regex applies to the claim value, then the issuer is appended.
        var mapped = ApplyRegex(text);
        if (string.IsNullOrEmpty(mapped))
        {
            return null;
        }
        if (_options.AppendIssuer)
        {
            var trimmed = issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? issuer[8..] : issuer;
            mapped = mapped + "@" + trimmed;
        }
        return mapped;
    }

    private string? ApplyRegex(string text)
    {
        if (_regex.Value is not { } regex)
        {
            return text;
        }
        try
        {
            var match = regex.Match(text);
            if (!match.Success)
            {
                return null;
            }
            if (_options.Replacement is not null)
            {
                return match.Result(_options.Replacement);
            }
            return match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
