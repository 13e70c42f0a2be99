using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AuthOpenIdc.RelyingParty;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Protocol;

/// <summary>
/// Client authentication of a back-channel request (RFC 6749 §2.3, OIDC Core §9), one instance per scheme: the RP at
/// the token and revocation endpoints, the resource server at the introspection endpoint. The JWT assertions are
/// minted here with <see cref="JsonWebTokenHandler"/>: a fresh <c>jti</c> per request, <c>iss</c> = <c>sub</c> =
/// the client id, <c>exp</c> after <see cref="OidcClientAssertionOptions.Lifetime"/>.
/// </summary>
internal sealed class ClientAuthenticator
{
    internal const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly TokenEndpointAuthMethod _method;
    private readonly string _clientId;
    private readonly string? _secret;
    private readonly OidcClientAssertionOptions _assertion;
    private readonly TimeProvider _time;
    private readonly Lazy<SigningCredentials?> _signing;

    public ClientAuthenticator(TokenEndpointAuthMethod method, string clientId, string? secret, OidcClientAssertionOptions assertion, Lazy<ClientKeys> keys, TimeProvider time)
    {
        _method = method;
        _clientId = clientId;
        _secret = secret;
        _assertion = assertion;
        _time = time;
        // Built on first use: the options validator reports unusable keys at startup with the option's name.
        _signing = new Lazy<SigningCredentials?>(() => CreateSigningCredentials(keys.Value));
    }

    /// <summary>
    /// Adds the client's credentials to <paramref name="form"/> and returns the <c>Authorization</c> header to send,
    /// if any. <paramref name="endpoint"/> and <paramref name="issuer"/> are the candidate assertion audiences.
    /// </summary>
    public AuthenticationHeaderValue? Apply(List<KeyValuePair<string, string>> form, string endpoint, string? issuer)
    {
        switch (_method)
        {
            case TokenEndpointAuthMethod.ClientSecretBasic:
                // RFC 6749 §2.3.1: id and secret are form-encoded before the Basic encoding.
                var credentials = WebUtility.UrlEncode(_clientId) + ":" + WebUtility.UrlEncode(_secret ?? string.Empty);
                return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            case TokenEndpointAuthMethod.ClientSecretPost:
                form.Add(new("client_id", _clientId));
                form.Add(new("client_secret", _secret ?? string.Empty));
                return null;
            case TokenEndpointAuthMethod.ClientSecretJwt:
            case TokenEndpointAuthMethod.PrivateKeyJwt:
                var audience = _assertion.Audience == ClientAssertionAudience.Issuer && !string.IsNullOrEmpty(issuer) ? issuer : endpoint;
                form.Add(new("client_id", _clientId));
                form.Add(new("client_assertion_type", AssertionType));
                form.Add(new("client_assertion", CreateAssertion(audience)));
                return null;
            default:
                form.Add(new("client_id", _clientId));
                return null;
        }
    }

    private string CreateAssertion(string audience)
    {
        var signing = _signing.Value ?? throw OidcProtocolException.InvalidMetadata("no key to sign the client assertion with");
        var now = _time.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _clientId,
            Audience = audience,
            IssuedAt = now,
            Expires = now + _assertion.Lifetime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["sub"] = _clientId,
                // One-time use (RFC 7523 §3): the OP may keep the jti until exp to refuse replays.
                ["jti"] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            },
            SigningCredentials = signing,
        });
    }

    private SigningCredentials? CreateSigningCredentials(ClientKeys keys)
    {
        if (_method == TokenEndpointAuthMethod.ClientSecretJwt)
        {
            var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_secret ?? string.Empty));
            return new SigningCredentials(key, _assertion.Algorithm ?? SecurityAlgorithms.HmacSha256);
        }
        if (_method != TokenEndpointAuthMethod.PrivateKeyJwt)
        {
            return null;
        }
        foreach (var key in keys.Keys)
        {
            var algorithm = _assertion.Algorithm ?? ClientKeys.DefaultAlgorithm(key);
            if (ClientKeys.Fits(key, algorithm))
            {
                // X509SigningCredentials adds the certificate's x5t to the header next to the kid.
                if (key is X509SecurityKey x509)
                {
                    var credentials = new X509SigningCredentials(x509.Certificate, algorithm);
                    credentials.Key.KeyId = x509.KeyId;
                    return credentials;
                }
                return new SigningCredentials(key, algorithm);
            }
        }
        return null;
    }
}
