using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
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

    private static readonly string[] HmacAlgorithms = ["HS256", "HS384", "HS512"];
    private static readonly string[] AsymmetricAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>
    /// The client-authentication settings the RP and the resource server share: a secret where one is needed, one
    /// long enough to be an HMAC key for <c>client_secret_jwt</c> (IdentityModel refuses keys under 256 bits), and
    /// loadable private keys fitting the algorithm for <c>private_key_jwt</c>.
    /// </summary>
    /// <param name="method">The configured method, in the RP's terms.</param>
    /// <param name="secret">The client secret.</param>
    /// <param name="assertion">The assertion options.</param>
    /// <param name="secretRequired">The problem text when a secret is needed but missing (it names the scheme's method option).</param>
    /// <param name="secretDirective">The mod_auth_openidc directive of the secret.</param>
    /// <param name="methodDirective">The mod_auth_openidc directive of the method (and its <c>:alg</c>).</param>
    public void ClientAuthentication(TokenEndpointAuthMethod method, string? secret, OidcClientAssertionOptions assertion, string secretRequired, string secretDirective, string methodDirective)
    {
        if (method is not (TokenEndpointAuthMethod.None or TokenEndpointAuthMethod.PrivateKeyJwt) && string.IsNullOrEmpty(secret))
        {
            Fail("ClientSecret", secretRequired, secretDirective);
        }
        if (method is not (TokenEndpointAuthMethod.ClientSecretJwt or TokenEndpointAuthMethod.PrivateKeyJwt))
        {
            return;
        }
        Positive(assertion.Lifetime, "ClientAssertion:Lifetime", null);
        var algorithm = assertion.Algorithm;
        if (method == TokenEndpointAuthMethod.ClientSecretJwt)
        {
            if (!string.IsNullOrEmpty(secret) && System.Text.Encoding.UTF8.GetByteCount(secret) < 32)
            {
                Fail("ClientSecret", "must be at least 32 bytes for ClientSecretJwt (an HMAC key under 256 bits is refused)", secretDirective);
            }
            if (algorithm is not null && Array.IndexOf(HmacAlgorithms, algorithm) < 0)
            {
                Fail("ClientAssertion:Algorithm", "must be HS256, HS384 or HS512 for ClientSecretJwt", methodDirective);
            }
            return;
        }
        if (algorithm is not null && Array.IndexOf(AsymmetricAlgorithms, algorithm) < 0)
        {
            Fail("ClientAssertion:Algorithm", "must be one of RS256..512, PS256..512, ES256..512 for PrivateKeyJwt", methodDirective);
            return;
        }
        if (assertion.PrivateKeyFiles.Count == 0)
        {
            Fail("ClientAssertion:PrivateKeyFiles", "needs at least one private key for PrivateKeyJwt", "OIDCPrivateKeyFiles");
            return;
        }
        try
        {
            var keys = ClientKeys.Load(assertion.PrivateKeyFiles);
            if (algorithm is not null && !keys.Keys.Any(k => ClientKeys.Fits(k, algorithm)))
            {
                Fail("ClientAssertion:PrivateKeyFiles", $"has no key for the algorithm {algorithm}", "OIDCPrivateKeyFiles");
            }
        }
        catch (FormatException ex)
        {
            Fail("ClientAssertion:PrivateKeyFiles", ex.Message, "OIDCPrivateKeyFiles");
        }
    }

    /// <summary>RFC 6265 token characters.</summary>
    public static bool IsCookieName(string name) =>
        !string.IsNullOrEmpty(name) && name.All(c => c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".IndexOf(c, StringComparison.Ordinal) < 0);
}
