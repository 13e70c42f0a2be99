using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>A defect injected into a back-channel logout token; each one must make a conforming RP refuse the token.</summary>
public enum LogoutTokenAttack
{
    /// <summary>A well-formed, correctly signed logout token.</summary>
    None,

    /// <summary>Header <c>alg: none</c> with an empty signature.</summary>
    AlgNone,

    /// <summary>The signature bytes are flipped.</summary>
    BadSignature,

    /// <summary>HS256 HMAC keyed with the PEM text of the RSA signing key's public key (key confusion).</summary>
    Hs256WithRsaPublicKey,

    /// <summary><c>iss</c> is <see cref="ScriptableOpBehavior.WrongIssuerValue"/>.</summary>
    WrongIssuer,

    /// <summary><c>aud</c> is <see cref="ScriptableOpBehavior.OtherAudience"/>.</summary>
    WrongAudience,

    /// <summary>No <c>events</c> claim.</summary>
    NoEvents,

    /// <summary><c>events</c> holds another event type, not the back-channel logout one.</summary>
    WrongEvent,

    /// <summary>The back-channel logout event member is a string, not a JSON object.</summary>
    EventNotObject,

    /// <summary>The token carries a <c>nonce</c> (prohibited: it would let an ID token pass as a logout token).</summary>
    WithNonce,

    /// <summary>Neither <c>sid</c> nor <c>sub</c>.</summary>
    NoSidNoSub,

    /// <summary><c>exp</c> three minutes ago (beyond the RP's default 60 s skew) while <c>iat</c> (five minutes ago) is within the slack.</summary>
    Expired,

    /// <summary><c>iat</c> one hour ago (outside the default 600 s slack) with an <c>exp</c> still in the future.</summary>
    IatFarInPast,

    /// <summary><c>iat</c> one hour in the future (and <c>exp</c> after it).</summary>
    IatFarInFuture,

    /// <summary>No <c>iat</c> claim.</summary>
    MissingIat,

    /// <summary>No <c>jti</c> claim.</summary>
    NoJti,

    /// <summary>Signed by a real RSA key whose kid never appears in the JWKS.</summary>
    UnknownKid,

    /// <summary>Header <c>typ: at+jwt</c> (an access token is not a logout token; <c>logout+jwt</c> and <c>JWT</c> are the accepted ones).</summary>
    TypIdToken,
}

/// <summary>Mints back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4) and applies a <see cref="LogoutTokenAttack"/>.</summary>
internal sealed class TestOpLogoutTokens(TestOpKeyStore keys, Func<string> issuer)
{
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    // No provider caching: keys are disposed with the OP, and a cached provider must never outlive its key.
    private static readonly CryptoProviderFactory UncachedCryptoProviders = new() { CacheSignatureProviders = false };

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <param name="typ">The header <c>typ</c>; null = <c>logout+jwt</c> (or <c>at+jwt</c> for <see cref="LogoutTokenAttack.TypIdToken"/>).</param>
    public string Create(LogoutTokenAttack attack, string? sid, string? sub, string audience, string? typ = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = issuer(),
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddSeconds(120).ToUnixTimeSeconds(),
            ["jti"] = TestOpState.NewHandle(),
            ["events"] = Json(new JsonObject { [BackChannelLogoutEvent] = new JsonObject() }),
        };
        if (sid is not null)
        {
            claims["sid"] = sid;
        }
        if (sub is not null)
        {
            claims["sub"] = sub;
        }
        ApplyClaimAttack(claims, attack, now);

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = SigningCredentialsFor(attack),
            TokenType = typ ?? (attack == LogoutTokenAttack.TypIdToken ? "at+jwt" : "logout+jwt"),
        };
        var token = _handler.CreateToken(descriptor);
        return ApplyEncodingAttack(token, attack);
    }

    private static JsonElement Json(JsonNode node) => JsonSerializer.SerializeToElement(node);

    private static void ApplyClaimAttack(Dictionary<string, object> claims, LogoutTokenAttack attack, DateTimeOffset now)
    {
        switch (attack)
        {
            case LogoutTokenAttack.WrongIssuer:
                claims["iss"] = ScriptableOpBehavior.WrongIssuerValue;
                break;
            case LogoutTokenAttack.WrongAudience:
                claims["aud"] = ScriptableOpBehavior.OtherAudience;
                break;
            case LogoutTokenAttack.NoEvents:
                claims.Remove("events");
                break;
            case LogoutTokenAttack.WrongEvent:
                claims["events"] = Json(new JsonObject { ["http://schemas.openid.net/event/some-other-event"] = new JsonObject() });
                break;
            case LogoutTokenAttack.EventNotObject:
                claims["events"] = Json(new JsonObject { [BackChannelLogoutEvent] = "logout" });
                break;
            case LogoutTokenAttack.WithNonce:
                claims["nonce"] = TestOpState.NewHandle();
                break;
            case LogoutTokenAttack.NoSidNoSub:
                claims.Remove("sid");
                claims.Remove("sub");
                break;
            case LogoutTokenAttack.Expired:
                claims["iat"] = now.AddMinutes(-5).ToUnixTimeSeconds();
                claims["exp"] = now.AddMinutes(-3).ToUnixTimeSeconds();
                break;
            case LogoutTokenAttack.IatFarInPast:
                claims["iat"] = now.AddHours(-1).ToUnixTimeSeconds();
                break;
            case LogoutTokenAttack.IatFarInFuture:
                claims["iat"] = now.AddHours(1).ToUnixTimeSeconds();
                claims["exp"] = now.AddHours(1).AddSeconds(120).ToUnixTimeSeconds();
                break;
            case LogoutTokenAttack.MissingIat:
                claims.Remove("iat");
                break;
            case LogoutTokenAttack.NoJti:
                claims.Remove("jti");
                break;
            default:
                break;
        }
    }

    private SigningCredentials SigningCredentialsFor(LogoutTokenAttack attack)
    {
        SecurityKey key;
        string alg;
        switch (attack)
        {
            case LogoutTokenAttack.UnknownKid:
                (key, alg) = (keys.NeverPublishedKey, SecurityAlgorithms.RsaSha256);
                break;
            case LogoutTokenAttack.Hs256WithRsaPublicKey:
            {
                var rsa = keys.CurrentRsaKey;
                var pem = Encoding.ASCII.GetBytes(rsa.Rsa.ExportSubjectPublicKeyInfoPem());
                (key, alg) = (new SymmetricSecurityKey(pem) { KeyId = rsa.KeyId }, SecurityAlgorithms.HmacSha256);
                break;
            }

            default:
                (key, alg) = (keys.CurrentRsaKey, SecurityAlgorithms.RsaSha256);
                break;
        }

        return new SigningCredentials(key, alg) { CryptoProviderFactory = UncachedCryptoProviders };
    }

    private static string ApplyEncodingAttack(string token, LogoutTokenAttack attack)
    {
        var parts = token.Split('.');
        switch (attack)
        {
            case LogoutTokenAttack.BadSignature:
                return TestOpTokenTampering.WithBadSignature(token);

            case LogoutTokenAttack.AlgNone:
            {
                var header = new JsonObject { ["alg"] = "none", ["typ"] = "logout+jwt" }.ToJsonString();
                return Base64UrlEncoder.Encode(header) + "." + parts[1] + ".";
            }

            default:
                return token;
        }
    }
}
