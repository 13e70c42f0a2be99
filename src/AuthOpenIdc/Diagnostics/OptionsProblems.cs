using Microsoft.Extensions.Options;

namespace AuthOpenIdc;

/// <summary>
/// Collects the problems an options validator finds, each as "<c>key path</c> problem (directive)", so every
/// scheme reports all of them at once in the same words, and shares the checks the schemes have in common.
/// </summary>
internal sealed class OptionsProblems
{
    private readonly string _path;
    private readonly List<string> _problems = [];

    public OptionsProblems(string path)
    {
        _path = path;
    }

    public ValidateOptionsResult Result => _problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_problems);

    public void Fail(string key, string problem, string? directive) =>
        _problems.Add($"{_path}:{key} {problem}{(directive is null ? "" : $" ({directive})")}");

    /// <summary>An absolute http(s) URL; https too when <paramref name="requireHttps"/>.</summary>
    public void Url(string? value, string key, string directive, bool required, bool requireHttps)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                Fail(key, "is required", directive);
            }
            return;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            Fail(key, "must be an absolute http(s) URL", directive);
        }
        else if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            Fail(key, "must be https while RequireHttpsMetadata is true", directive);
        }
    }

    public void Positive(TimeSpan value, string key, string? directive)
    {
        if (value <= TimeSpan.Zero)
        {
            Fail(key, "must be positive", directive);
        }
    }

    /// <summary>RFC 6265 token characters.</summary>
    public static bool IsCookieName(string name) =>
        !string.IsNullOrEmpty(name) && name.All(c => c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".IndexOf(c, StringComparison.Ordinal) < 0);
}
