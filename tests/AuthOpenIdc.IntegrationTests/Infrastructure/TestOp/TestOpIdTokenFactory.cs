using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>Mints ID tokens with IdentityModel, then applies the configured <see cref="IdTokenAttack"/>.</summary>
internal sealed class TestOpIdTokenFactory(TestOpKeyStore keys, Func<string> issuer)
{
    // No provider caching: keys are disposed with the OP, and a cached provider must never outlive its key.
    private static readonly CryptoProviderFactory UncachedCryptoProviders = new() { CacheSignatureProviders = false };

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Create(IdTokenRequest request, ScriptableOpBehavior behavior)
    {
        var attack = behavior.IdTokenAttack;
        var claims = BuildClaims(request, behavior);
        ApplyClaimAttack(claims, attack, request.ClientId, behavior.IdTokenLifetime);

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = SigningCredentialsFor(attack, behavior.SigningAlgorithm, request.ClientSecret),
            TokenType = "JWT",
        };
        var token = _handler.CreateToken(descriptor);
        return ApplyEncodingAttack(token, attack);
    }

    private Dictionary<string, object> BuildClaims(IdTokenRequest request, ScriptableOpBehavior behavior)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = behavior.IdTokenIssuer ?? issuer(),
            ["sub"] = behavior.Subject,
            ["aud"] = request.ClientId,
            ["exp"] = (now + behavior.IdTokenLifetime).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["auth_time"] = request.AuthTime.ToUnixTimeSeconds(),
            ["sid"] = request.Sid,
        };
        if (request.Nonce is not null)
        {
            claims["nonce"] = request.Nonce;
        }

        // Extra claims win over the standard ones; a null value removes a claim.
        foreach (var (name, value) in behavior.ExtraIdTokenClaims)
        {
            if (value is null)
            {
                claims.Remove(name);
            }
            else
            {
                claims[name] = ToClaimValue(value);
            }
        }

        return claims;
    }

    /// <summary>Primitives pass through; anything else (nested objects, arrays) becomes a JsonElement.</summary>
    internal static object ToClaimValue(object value) => value switch
    {
        string or bool or int or long or double or decimal or JsonElement => value,
        _ => JsonSerializer.SerializeToElement(value),
    };

    private static void ApplyClaimAttack(Dictionary<string, object> claims, IdTokenAttack attack, string clientId, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow;
        switch (attack)
        {
            case IdTokenAttack.WrongAudience:
                claims["aud"] = ScriptableOpBehavior.OtherAudience;
                break;
            case IdTokenAttack.MissingAudience:
                claims.Remove("aud");
                break;
            case IdTokenAttack.AzpMismatch:
                claims["aud"] = new[] { clientId, ScriptableOpBehavior.OtherAudience };
                claims["azp"] = ScriptableOpBehavior.OtherAudience;
                break;
            case IdTokenAttack.MultipleAudiencesNoAzp:
                claims["aud"] = new[] { clientId, ScriptableOpBehavior.OtherAudience };
                claims.Remove("azp");
                break;
            case IdTokenAttack.WrongIssuer:
                claims["iss"] = ScriptableOpBehavior.WrongIssuerValue;
                break;
            case IdTokenAttack.Expired:
                claims["exp"] = now.AddHours(-1).ToUnixTimeSeconds();
                claims["iat"] = now.AddHours(-2).ToUnixTimeSeconds();
                claims["auth_time"] = now.AddHours(-2).ToUnixTimeSeconds();
                break;
            case IdTokenAttack.MissingExp:
                claims.Remove("exp");
                break;
            case IdTokenAttack.MissingIat:
                claims.Remove("iat");
                break;
            case IdTokenAttack.IatFarInFuture:
                claims["iat"] = now.AddHours(1).ToUnixTimeSeconds();
                claims["exp"] = (now.AddHours(1) + lifetime).ToUnixTimeSeconds();
                break;
            case IdTokenAttack.MissingSub:
                claims.Remove("sub");
                break;
            case IdTokenAttack.NonceMismatch:
                claims["nonce"] = "attacker-" + TestOpState.NewHandle();
                break;
            case IdTokenAttack.MissingNonce:
                claims.Remove("nonce");
                break;
            default:
                break;
        }
    }

    private SigningCredentials SigningCredentialsFor(IdTokenAttack attack, string algorithm, string? clientSecret)
    {
        SecurityKey key;
        string alg;
        switch (attack)
        {
            case IdTokenAttack.UnknownKid:
                (key, alg) = (keys.NeverPublishedKey, SecurityAlgorithms.RsaSha256);
                break;
            case IdTokenAttack.Hs256WithRsaPublicKey:
            {
                var rsa = keys.CurrentRsaKey;
                var pem = Encoding.ASCII.GetBytes(rsa.Rsa.ExportSubjectPublicKeyInfoPem());
                (key, alg) = (new SymmetricSecurityKey(pem) { KeyId = rsa.KeyId }, SecurityAlgorithms.HmacSha256);
                break;
            }

            case IdTokenAttack.Hs256WithRsaPublicKeyDer:
            {
                var rsa = keys.CurrentRsaKey;
                var der = rsa.Rsa.ExportSubjectPublicKeyInfo();
                (key, alg) = (new SymmetricSecurityKey(der) { KeyId = rsa.KeyId }, SecurityAlgorithms.HmacSha256);
                break;
            }

            default:
                (key, alg) = algorithm switch
                {
                    SecurityAlgorithms.RsaSha256 => ((SecurityKey)keys.CurrentRsaKey, algorithm),
                    SecurityAlgorithms.RsaSsaPssSha256 => (keys.PssKey, algorithm),
                    SecurityAlgorithms.EcdsaSha256 => (keys.EcKey, algorithm),
                    SecurityAlgorithms.HmacSha256 => (new SymmetricSecurityKey(Encoding.UTF8.GetBytes(
                        clientSecret ?? throw new InvalidOperationException("HS256 needs a client secret; this client has none."))), algorithm),
                    _ => throw new InvalidOperationException("Unsupported SigningAlgorithm " + algorithm),
                };
                break;
        }

        return new SigningCredentials(key, alg) { CryptoProviderFactory = UncachedCryptoProviders };
    }

    private static string ApplyEncodingAttack(string token, IdTokenAttack attack)
    {
        var parts = token.Split('.');
        switch (attack)
        {
            case IdTokenAttack.BadSignature:
                return TestOpTokenTampering.WithBadSignature(token);

            case IdTokenAttack.SignatureStripped:
                return parts[0] + "." + parts[1] + ".";
            case IdTokenAttack.AlgNone:
            {
                var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }.ToJsonString();
                return Base64UrlEncoder.Encode(header) + "." + parts[1] + ".";
            }

            default:
                return token;
        }
    }
}
