using System.Security.Cryptography;
using System.Text;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.Tests.Authorization;
using AuthOpenIdc.Tests.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Tests.Protocol;

public class IdTokenValidatorTests
{
    private const string ClientId = "client-1";
    private const string ClientSecret = "a-client-secret-of-at-least-thirty-two-bytes";

    private static readonly TestSigningKey Rsa1 = TestSigningKey.Rsa("rsa-1");
    private static readonly TestSigningKey Rsa2 = TestSigningKey.Rsa("rsa-2");
    private static readonly TestSigningKey Rsa3 = TestSigningKey.Rsa("rsa-3");
    private static readonly TestSigningKey Ec1 = TestSigningKey.EcP256("ec-1");

    private readonly ManualTimeProvider _time = new();
    private readonly FakeOp _op = new();
    private readonly CapturingLogger<IdTokenValidator> _logger = new();
    private readonly OidcRelyingPartyOptions _options = new() { Issuer = FakeOp.Issuer, ClientId = ClientId, ClientSecret = ClientSecret };
    private readonly Lazy<(IdTokenValidator Validator, ProviderMetadataCache Metadata)> _parts;
    private int _nonces;

    public IdTokenValidatorTests()
    {
        _op.Keys.AddRange([Rsa1, Ec1]);
        _parts = new(() =>
        {
            var metadata = new ProviderMetadataCache(_options, new OpBackchannel(_op, TimeSpan.FromSeconds(10), requireHttps: true), _time, NullLogger.Instance);
            var cache = new ProtectedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), CacheKeyRing.Create([]), "t:", Timeout.InfiniteTimeSpan, _time, NullLogger<ProtectedCache>.Instance);
            return (new IdTokenValidator(_options, metadata, cache, _time, _logger), metadata);
        });
    }

    private long Now => _time.UnixNow;

    [Fact]
    public async Task Valid_RS256_token_is_accepted()
    {
        var nonce = NewNonce();

        var token = await ValidateAsync(Token(Rsa1, nonce), nonce);

        Assert.Equal("alice", token.Subject);
        Assert.Equal("rsa-1", token.Kid);
    }

    [Fact]
    public async Task Valid_ES256_token_is_accepted()
    {
        var nonce = NewNonce();

        Assert.Equal("alice", (await ValidateAsync(Token(Ec1, nonce), nonce)).Subject);
    }

    [Theory]
    [InlineData(-60, true)]
    [InlineData(-61, false)]
    [InlineData(0, true)]
    [InlineData(3600, true)]
    public async Task Exp_is_checked_with_the_clock_skew(long expOffset, bool valid)
    {
        var nonce = NewNonce();
        var token = Token(Rsa1, nonce, c => c["exp"] = Now + expOffset);

        await AssertOutcomeAsync(valid, token, nonce, "expired");
    }

    [Theory]
    [InlineData(600, true)]
    [InlineData(601, false)]
    [InlineData(-600, true)]
    [InlineData(-601, false)]
    public async Task Iat_must_lie_within_the_slack_on_both_sides(long iatOffset, bool valid)
    {
        var nonce = NewNonce();
        var token = Token(Rsa1, nonce, c => c["iat"] = Now + iatOffset);

        await AssertOutcomeAsync(valid, token, nonce, "iat");
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(61, false)]
    public async Task Nbf_in_the_future_beyond_the_skew_is_refused(long nbfOffset, bool valid)
    {
        var nonce = NewNonce();
        var token = Token(Rsa1, nonce, c => c["nbf"] = Now + nbfOffset);

        await AssertOutcomeAsync(valid, token, nonce, "nbf");
    }

    [Theory]
    [InlineData("exp", "no exp")]
    [InlineData("iat", "no iat")]
    [InlineData("sub", "no sub")]
    [InlineData("nonce", "nonce differs")]
    public async Task Required_claim_missing_is_refused(string claim, string detail)
    {
        var nonce = NewNonce();
        var token = Token(Rsa1, nonce, c => c.Remove(claim));

        await AssertRefusedAsync(token, nonce, detail);
    }

    [Fact]
    public async Task Mismatched_nonce_is_refused()
    {
        await AssertRefusedAsync(Token(Rsa1, NewNonce()), NewNonce(), "nonce differs");
    }

    [Fact]
    public async Task Nonce_replay_is_refused()
    {
        var nonce = NewNonce();
        var token = Token(Rsa1, nonce);
        await ValidateAsync(token, nonce);

        await AssertRefusedAsync(token, nonce, "replay");
        await AssertRefusedAsync(Token(Ec1, nonce), nonce, "replay");
    }

    [Fact]
    public async Task A_refused_token_does_not_use_up_its_nonce()
    {
        var nonce = NewNonce();
        await AssertRefusedAsync(Token(Rsa1, nonce, c => c["aud"] = "another-client"), nonce, "audience");

        await ValidateAsync(Token(Rsa1, nonce), nonce);
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("https://op.example.com/")]
    [InlineData("https://OP.example.com")]
    public async Task Issuer_must_match_exactly(string issuer)
    {
        var nonce = NewNonce();

        await AssertRefusedAsync(Token(Rsa1, nonce, c => c["iss"] = issuer), nonce, "issuer");
    }

    [Fact]
    public async Task Audience_must_contain_the_client()
    {
        var nonce = NewNonce();

        await AssertRefusedAsync(Token(Rsa1, nonce, c => c["aud"] = new[] { "a", "b" }), nonce, "audience");
    }

    [Fact]
    public async Task Azp_of_another_client_is_refused()
    {
        var nonce = NewNonce();

        await AssertRefusedAsync(Token(Rsa1, nonce, c => { c["aud"] = new[] { ClientId, "api" }; c["azp"] = "api"; }), nonce, "azp");
    }

    [Fact]
    public async Task Azp_of_this_client_is_accepted()
    {
        var nonce = NewNonce();

        await ValidateAsync(Token(Rsa1, nonce, c => { c["aud"] = new[] { ClientId, "api" }; c["azp"] = ClientId; }), nonce);
        Assert.DoesNotContain(_logger.Entries, e => e.EventId.Id == 2004);
    }

    [Fact]
    public async Task Several_audiences_without_azp_are_accepted_with_a_warning()
    {
        var nonce = NewNonce();

        await ValidateAsync(Token(Rsa1, nonce, c => c["aud"] = new[] { ClientId, "api" }), nonce);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 2004);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    [InlineData(false, false, true)]
    public async Task Auth_time_is_required_when_max_age_was_requested(bool maxAgeRequested, bool hasAuthTime, bool valid)
    {
        var nonce = NewNonce();
        var token = Token(Rsa1, nonce, c =>
        {
            if (hasAuthTime)
            {
                c["auth_time"] = Now - 30;
            }
        });

        await AssertOutcomeAsync(valid, token, nonce, "auth_time", maxAgeRequested);
    }

    [Fact]
    public async Task Algorithm_outside_the_allow_list_is_refused()
    {
        _options.IdTokenSigningAlgorithms.Add(SecurityAlgorithms.EcdsaSha256);
        var nonce = NewNonce();

        await AssertRefusedAsync(Token(Rsa1, nonce), nonce, "signature");
        var other = NewNonce();
        await ValidateAsync(Token(Ec1, other), other);
    }

    [Fact]
    public async Task Unsigned_token_is_refused_even_when_none_is_configured()
    {
        _options.IdTokenSigningAlgorithms.Add("none");
        _options.IdTokenSigningAlgorithms.Add(SecurityAlgorithms.RsaSha256);
        var nonce = NewNonce();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode($$"""{"iss":"{{FakeOp.Issuer}}","aud":"{{ClientId}}","sub":"alice","nonce":"{{nonce}}","iat":{{Now}},"exp":{{Now + 300}}}""");

        await AssertRefusedAsync($"{header}.{payload}.", nonce, "signature");
    }

    [Fact]
    public async Task Unknown_kid_refetches_the_jwks_exactly_once_then_succeeds()
    {
        var provider = await _parts.Value.Metadata.GetAsync(default);
        Assert.Equal(1, _op.Calls(FakeOp.JwksPath));
        _op.Keys.Add(Rsa2); // the OP rotates its keys
        var nonce = NewNonce();

        var token = await Validator.ValidateAsync(Token(Rsa2, nonce), provider, nonce, maxAgeRequested: false, default);

        Assert.Equal("rsa-2", token.Kid);
        Assert.Equal(2, _op.Calls(FakeOp.JwksPath));
        Assert.Equal(1, _op.Calls(FakeOp.DiscoveryPath));
    }

    [Fact]
    public async Task A_second_unknown_kid_within_the_forced_refresh_interval_does_not_refetch()
    {
        var provider = await _parts.Value.Metadata.GetAsync(default);
        _op.Keys.Add(Rsa2);
        var nonce = NewNonce();
        await Validator.ValidateAsync(Token(Rsa2, nonce), provider, nonce, maxAgeRequested: false, default);
        _op.Keys.Add(Rsa3);

        _time.Advance(_options.JwksForcedRefreshInterval - TimeSpan.FromSeconds(1));
        provider = await _parts.Value.Metadata.GetAsync(default);
        var second = NewNonce();
        await Assert.ThrowsAsync<OidcProtocolException>(() => Validator.ValidateAsync(Token(Rsa3, second), provider, second, maxAgeRequested: false, default));
        Assert.Equal(2, _op.Calls(FakeOp.JwksPath));

        _time.Advance(TimeSpan.FromSeconds(1));
        var third = NewNonce();
        await Validator.ValidateAsync(Token(Rsa3, third), provider, third, maxAgeRequested: false, default);
        Assert.Equal(3, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Bad_signature_with_a_known_kid_does_not_refetch()
    {
        var forged = new TestSigningKeyWithKid(Rsa2, "rsa-1");
        var nonce = NewNonce();

        await AssertRefusedAsync(Token(forged.Credentials, nonce), nonce, "signature");
        Assert.Equal(1, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Token_larger_than_64_KiB_is_refused_before_parsing()
    {
        var nonce = NewNonce();
        var token = Token(Rsa1, nonce, c => c["padding"] = new string('x', 64 * 1024));

        await AssertRefusedAsync(token, nonce, "64 KiB");
        Assert.Equal(1, _op.Calls(FakeOp.JwksPath));
    }

    [Fact]
    public async Task Encrypted_token_is_refused()
    {
        var nonce = NewNonce();
        var encryption = new EncryptingCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), JwtConstants.DirectKeyUseAlg, SecurityAlgorithms.Aes128CbcHmacSha256);
        var jwe = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = Claims(nonce),
            SigningCredentials = Rsa1.Credentials,
            EncryptingCredentials = encryption,
        });
        Assert.Equal(5, jwe.Split('.').Length);

        await AssertRefusedAsync(jwe, nonce, "encrypted");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("e30.e30.e30.e30")]
    public async Task Malformed_token_is_refused(string token)
    {
        await AssertRefusedAsync(token, NewNonce(), "not a well-formed JWS");
    }

    [Fact]
    public async Task HS256_with_the_client_secret_is_accepted_when_allowed()
    {
        var nonce = NewNonce();
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ClientSecret)), SecurityAlgorithms.HmacSha256);

        Assert.Equal("alice", (await ValidateAsync(Token(credentials, nonce), nonce)).Subject);
    }

    [Fact]
    public async Task HS256_is_refused_when_the_allow_list_has_no_HS_algorithm()
    {
        _options.IdTokenSigningAlgorithms.Add(SecurityAlgorithms.RsaSha256);
        var nonce = NewNonce();
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ClientSecret)), SecurityAlgorithms.HmacSha256);

        await AssertRefusedAsync(Token(credentials, nonce), nonce, "signature");
    }

    [Fact]
    public async Task HS256_with_another_secret_is_refused()
    {
        var nonce = NewNonce();
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-secret-that-is-long-enough-too!")), SecurityAlgorithms.HmacSha256);

        await AssertRefusedAsync(Token(credentials, nonce), nonce, "signature");
    }

    [Fact]
    public async Task Other_issuer_is_accepted_when_issuer_validation_is_off()
    {
        _options.ValidateIssuer = false;
        var nonce = NewNonce();

        await ValidateAsync(Token(Rsa1, nonce, c => c["iss"] = "https://tenant-42.op.example.com"), nonce);
    }

    private IdTokenValidator Validator => _parts.Value.Validator;

    private async Task<JsonWebToken> ValidateAsync(string token, string nonce, bool maxAgeRequested = false)
    {
        var provider = await _parts.Value.Metadata.GetAsync(default);
        return await Validator.ValidateAsync(token, provider, nonce, maxAgeRequested, default);
    }

    private async Task AssertRefusedAsync(string token, string nonce, string detail, bool maxAgeRequested = false)
    {
        var ex = await Assert.ThrowsAsync<OidcProtocolException>(() => ValidateAsync(token, nonce, maxAgeRequested));
        Assert.Equal(OidcErrorCodes.InvalidIdToken, ex.Error.Code);
        Assert.Equal(401, ex.Error.StatusCode);
        Assert.Contains(detail, ex.Message, StringComparison.Ordinal);
    }

    private async Task AssertOutcomeAsync(bool valid, string token, string nonce, string detail, bool maxAgeRequested = false)
    {
        if (valid)
        {
            await ValidateAsync(token, nonce, maxAgeRequested);
        }
        else
        {
            await AssertRefusedAsync(token, nonce, detail, maxAgeRequested);
        }
    }

    private string NewNonce() => "nonce-" + Interlocked.Increment(ref _nonces);

    private Dictionary<string, object> Claims(string nonce) => new()
    {
        ["iss"] = FakeOp.Issuer,
        ["aud"] = ClientId,
        ["sub"] = "alice",
        ["nonce"] = nonce,
        ["iat"] = Now,
        ["exp"] = Now + 300,
    };

    private string Token(TestSigningKey key, string nonce, Action<Dictionary<string, object>>? edit = null) => Token(key.Credentials, nonce, edit);

    private string Token(SigningCredentials credentials, string nonce, Action<Dictionary<string, object>>? edit = null)
    {
        var claims = Claims(nonce);
        edit?.Invoke(claims);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = credentials,
        });
    }

    /// <summary>A key that claims another key's kid: a forgery attempt.</summary>
    private sealed class TestSigningKeyWithKid(TestSigningKey real, string kid)
    {
        public SigningCredentials Credentials { get; } = new(Relabel(real.Credentials.Key, kid), real.Credentials.Algorithm);

        private static SecurityKey Relabel(SecurityKey key, string kid) => key switch
        {
            RsaSecurityKey rsa => new RsaSecurityKey(rsa.Rsa) { KeyId = kid },
            _ => throw new NotSupportedException(),
        };
    }
}
