using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>
/// The OP's signing keys and the JWKS built from them. RS256 uses the current RSA key ("k1", then "k2"... after
/// rotations), PS256 a dedicated RSA key "p1", ES256 the P-256 key "e1". One more RSA key is never published.
/// </summary>
internal sealed class TestOpKeyStore : IDisposable
{
    public const string InitialRsaKeyId = "k1";
    public const string PssKeyId = "p1";
    public const string EcKeyId = "e1";
    public const string NeverPublishedKeyId = "never-published";

    private readonly Lock _lock = new();
    private readonly List<PublishedKey> _published = [];
    private readonly List<IDisposable> _owned = [];
    private readonly Lazy<RsaSecurityKey> _neverPublished;
    private RsaSecurityKey _currentRsa;
    private int _rotations;

    public TestOpKeyStore()
    {
        _currentRsa = NewRsaKey(InitialRsaKeyId);
        Publish(_currentRsa, SecurityAlgorithms.RsaSha256, withheldForFetches: 0);
        PssKey = NewRsaKey(PssKeyId);
        Publish(PssKey, SecurityAlgorithms.RsaSsaPssSha256, withheldForFetches: 0);

        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _owned.Add(ec);
        EcKey = new ECDsaSecurityKey(ec) { KeyId = EcKeyId };
        Publish(EcKey, SecurityAlgorithms.EcdsaSha256, withheldForFetches: 0);

        _neverPublished = new Lazy<RsaSecurityKey>(() => NewRsaKey(NeverPublishedKeyId), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The RSA key that signs RS256 tokens.</summary>
    public RsaSecurityKey CurrentRsaKey
    {
        get
        {
            lock (_lock)
            {
                return _currentRsa;
            }
        }
    }

    public RsaSecurityKey PssKey { get; }

    public ECDsaSecurityKey EcKey { get; }

    /// <summary>A real RSA key that no JWKS response ever contains.</summary>
    public RsaSecurityKey NeverPublishedKey => _neverPublished.Value;

    /// <summary>Adds a new RSA key (kid k2, k3, ...) and makes it the RS256 signing key.</summary>
    public string RotateSigningKey(int withheldForFetches, bool retirePreviousKeys)
    {
        lock (_lock)
        {
            _rotations++;
            var key = NewRsaKey("k" + (_rotations + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (retirePreviousKeys)
            {
                _published.RemoveAll(p => p.Algorithm == SecurityAlgorithms.RsaSha256);
            }

            Publish(key, SecurityAlgorithms.RsaSha256, withheldForFetches);
            _currentRsa = key;
            return key.KeyId;
        }
    }

    /// <summary>The JWKS document for one fetch; keys still withheld are left out and their countdown advances.</summary>
    public JsonObject BuildJwksForFetch()
    {
        var keys = new JsonArray();
        lock (_lock)
        {
            foreach (var key in _published)
            {
                if (key.WithheldForFetches > 0)
                {
                    key.WithheldForFetches--;
                    continue;
                }

                keys.Add(key.PublicJwk.DeepClone());
            }
        }

        return new JsonObject { ["keys"] = keys };
    }

    /// <summary>The public JWK (as JSON) of a key, built by <see cref="JsonWebKeyConverter"/> from public parameters only.</summary>
    public static JsonObject ToPublicJwk(SecurityKey key, string algorithm)
    {
        JsonWebKey jwk;
        if (key is RsaSecurityKey rsa)
        {
            var publicOnly = new RsaSecurityKey(rsa.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = rsa.KeyId };
            jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(publicOnly);
        }
        else if (key is ECDsaSecurityKey ec)
        {
            using var publicOnlyEc = ECDsa.Create(ec.ECDsa.ExportParameters(includePrivateParameters: false));
            jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnlyEc) { KeyId = ec.KeyId });
        }
        else
        {
            throw new ArgumentException("Unsupported key type " + key.GetType().Name, nameof(key));
        }

        var json = new JsonObject { ["kty"] = jwk.Kty, ["use"] = "sig", ["kid"] = jwk.Kid, ["alg"] = algorithm };
        if (jwk.Kty == JsonWebAlgorithmsKeyTypes.RSA)
        {
            json["n"] = jwk.N;
            json["e"] = jwk.E;
        }
        else
        {
            json["crv"] = jwk.Crv;
            json["x"] = jwk.X;
            json["y"] = jwk.Y;
        }

        return json;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            _owned.Clear();
        }
    }

    private RsaSecurityKey NewRsaKey(string kid)
    {
        var rsa = TestOpRsaKeyPool.Take();
        lock (_lock)
        {
            _owned.Add(rsa);
        }

        return new RsaSecurityKey(rsa) { KeyId = kid };
    }

    private void Publish(SecurityKey key, string algorithm, int withheldForFetches)
    {
        lock (_lock)
        {
            _published.Add(new PublishedKey(algorithm, ToPublicJwk(key, algorithm)) { WithheldForFetches = withheldForFetches });
        }
    }

    private sealed class PublishedKey(string algorithm, JsonObject publicJwk)
    {
        public string Algorithm { get; } = algorithm;
        public JsonObject PublicJwk { get; } = publicJwk;
        public int WithheldForFetches { get; set; }
    }
}
