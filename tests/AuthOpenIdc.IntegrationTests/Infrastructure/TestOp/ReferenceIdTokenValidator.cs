using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>
/// A reference ID token check (OpenID Connect Core 3.1.3.7) built only from IdentityModel, used to prove that
/// what the test OP mints is valid, and that each <see cref="IdTokenAttack"/> breaks a rule. Not the library's validator.
/// </summary>
public static class ReferenceIdTokenValidator
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>
    /// For every attack except <see cref="IdTokenAttack.None"/>: a fragment of the violation
    /// <see cref="FindViolationAsync"/> reports for it (case-insensitive). Iterate it to cover every attack.
    /// </summary>
    public static IReadOnlyDictionary<IdTokenAttack, string> ExpectedViolationByAttack { get; } = new Dictionary<IdTokenAttack, string>
    {
        [IdTokenAttack.BadSignature] = "Signature",
        [IdTokenAttack.SignatureStripped] = "Signature",
        [IdTokenAttack.AlgNone] = "Signature",
        [IdTokenAttack.Hs256WithRsaPublicKey] = "Signature",
        [IdTokenAttack.Hs256WithRsaPublicKeyDer] = "Signature",
        [IdTokenAttack.UnknownKid] = "Signature",
        [IdTokenAttack.WrongAudience] = "Audience",
        [IdTokenAttack.MissingAudience] = "Audience",
        [IdTokenAttack.AzpMismatch] = "azp is not the client",
        [IdTokenAttack.MultipleAudiencesNoAzp] = "no azp",
        [IdTokenAttack.WrongIssuer] = "Issuer",
        [IdTokenAttack.Expired] = "Expired",
        [IdTokenAttack.MissingExp] = "Expiration",
        [IdTokenAttack.MissingIat] = "iat missing",
        [IdTokenAttack.IatFarInFuture] = "iat in the future",
        [IdTokenAttack.MissingSub] = "sub missing",
        [IdTokenAttack.NonceMismatch] = "nonce mismatch",
        [IdTokenAttack.MissingNonce] = "nonce missing",
    };

    /// <summary>Null when the token is valid; otherwise which rule it breaks.</summary>
    public static async Task<string?> FindViolationAsync(
        string idToken, string issuer, string clientId, string? expectedNonce, IEnumerable<SecurityKey> signingKeys)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
        };
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid)
        {
            return "IdentityModel rejected it: " + result.Exception?.GetType().Name + ": " + result.Exception?.Message;
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        if (!jwt.TryGetPayloadValue<string>("sub", out var sub) || string.IsNullOrEmpty(sub))
        {
            return "sub missing";
        }

        if (!jwt.TryGetPayloadValue<long>("iat", out var iat))
        {
            return "iat missing";
        }

        if (DateTimeOffset.FromUnixTimeSeconds(iat) > DateTimeOffset.UtcNow + ClockSkew)
        {
            return "iat in the future";
        }

        var audiences = jwt.Audiences.ToList();
        var hasAzp = jwt.TryGetPayloadValue<string>("azp", out var azp);
        if (audiences.Count > 1 && !hasAzp)
        {
            return "several audiences but no azp";
        }

        if (hasAzp && azp != clientId)
        {
            return "azp is not the client";
        }

        if (expectedNonce is not null)
        {
            if (!jwt.TryGetPayloadValue<string>("nonce", out var nonce))
            {
                return "nonce missing";
            }

            if (nonce != expectedNonce)
            {
                return "nonce mismatch";
            }
        }

        return null;
    }
}
