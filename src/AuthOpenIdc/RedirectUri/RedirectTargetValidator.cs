using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// The one open-redirect check for every redirect target that comes from a request (logout URL, later
/// refresh return URLs, login_uri, target_link_uri): mod_auth_openidc §8.6 with the fixes of
/// CVE-2019-14857, CVE-2021-32786 and CVE-2022-23527. A target is either a local path starting with a
/// single <c>/</c>, or an absolute http(s) URL of the request's own host.
/// </summary>
internal sealed class RedirectTargetValidator
{
    private readonly Regex[] _allowed;

    public RedirectTargetValidator()
        : this([])
    {
    }

    /// <param name="allowed">
    /// <c>OIDCRedirectURLsAllowed</c>: when given, an absolute target must match one of them instead of being of
    /// the request's own host. The smuggling checks apply either way.
    /// </param>
    public RedirectTargetValidator(IEnumerable<string> allowed)
    {
        // Built before options validation runs, which reports an invalid pattern by its key and stops startup.
        _allowed = allowed.Select(Compile).OfType<Regex>().ToArray();
    }

    private const int MaxLength = 16 * 1024;

    /// <summary>Substrings that smuggle a second scheme or host past a naive prefix check.</summary>
    private static readonly string[] Smuggling =
    [
        "/%09", "/%0a", "/%0d", "/%2f", "/%5c", "/%68", "/http:", "/https:", "/javascript:", "%01javascript:", "/<", "%2f%2f", "%5c%5c",
    ];

    private static Regex? Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Returns the normalised target, or null when it must not be followed.</summary>
    public string? Validate(string? target, HttpRequest request)
    {
        if (string.IsNullOrEmpty(target) || target.Length > MaxLength)
        {
            return null;
        }
        foreach (var c in target)
        {
            // Only printable ASCII: a real URL percent-encodes the rest, and look-alike slashes and dots
            // (U+3002, U+FF0F, U+3031, U+30FC ...) are how targets are smuggled past checks like this one.
            if (c <= ' ' || c > '~')
            {
                return null;
            }
        }
        var normalised = target.Replace('\\', '/');
        var lower = normalised.ToLowerInvariant();
        foreach (var bad in Smuggling)
        {
            if (lower.Contains(bad, StringComparison.Ordinal))
            {
                return null;
            }
        }

        if (normalised.StartsWith('/'))
        {
            // "//host" and "/\host" are protocol-relative: another host.
            return normalised.Length > 1 && normalised[1] == '/' ? null : normalised;
        }

        if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.UserInfo)
            || !normalised.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (_allowed.Length > 0)
        {
            try
            {
                return _allowed.Any(r => r.IsMatch(uri.AbsoluteUri)) ? uri.AbsoluteUri : null;
            }
            catch (RegexMatchTimeoutException)
            {
                return null;
            }
        }
        var host = request.Host;
        var sameHost = string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase)
            && (host.Port ?? DefaultPort(request.Scheme)) == uri.Port;
        return sameHost ? uri.AbsoluteUri : null;
    }

    private static int DefaultPort(string scheme) => scheme == Uri.UriSchemeHttps ? 443 : 80;
}
