using System.Security.Claims;
using System.Text.Json;
using AuthOpenIdc.Claims;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.ResourceServer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.Tests.ResourceServer;

public class ValidatedTokenTests
{
    private static readonly RemoteUserMapper RemoteUser = new(new OidcRemoteUserOptions());

    private static ValidatedToken FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ValidatedToken.FromClaims(document.RootElement, "https://as.example", 1_900_000_000, RemoteUser);
    }

    [Fact]
    public void Claims_survive_the_compact_form_with_their_value_types()
    {
        var token = FromJson("""{"sub":"alice","aud":["a","b"],"scope":"read write","n":5,"d":1.5,"ok":true,"obj":{"roles":["x"]},"nested":[[1]],"nul":null}""");

        var copy = ValidatedToken.Deserialize(token.Serialize(1_800_000_000))!;

        Assert.True(copy.IsValid);
        Assert.Equal(1_800_000_000, copy.CachedUntil);
        Assert.Equal("https://as.example", copy.Issuer);
        Assert.Equal(["a", "b"], copy.Audiences);
        Assert.Equal(1_900_000_000, copy.ExpiresAt);
        Assert.Equal("alice", copy.RemoteUser);
        Assert.Equal(token.Claims, copy.Claims);
        Assert.Contains(("scope", "read", ClaimValueTypes.String), copy.Claims);
        Assert.Contains(("scope", "write", ClaimValueTypes.String), copy.Claims);
        Assert.Contains(("n", "5", ClaimValueTypes.Integer64), copy.Claims);
        Assert.Contains(("obj", """{"roles":["x"]}""", JsonClaimValueTypes.Json), copy.Claims);
        Assert.DoesNotContain(copy.Claims, c => c.Type == "nul");
    }

    [Fact]
    public void A_refused_result_keeps_its_reason()
    {
        var copy = ValidatedToken.Deserialize(ValidatedToken.Invalid("the token expired").Serialize(42))!;

        Assert.False(copy.IsValid);
        Assert.Equal("the token expired", copy.Error);
        Assert.Equal(42, copy.CachedUntil);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 2, 1 })]
    [InlineData(new byte[] { 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 127 })]
    [InlineData(new byte[] { 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3 })]
    public void Corrupt_bytes_read_as_a_miss(byte[] data)
    {
        Assert.Null(ValidatedToken.Deserialize(data));
    }

    [Fact]
    public void The_principal_has_the_remote_user_as_name_and_the_roles_claim_type()
    {
        var principal = FromJson("""{"sub":"alice","roles":["admin"]}""").CreatePrincipal("RS", "https://as.example", "roles");

        Assert.Equal("alice", principal.Identity!.Name);
        Assert.Equal("RS", principal.Identity.AuthenticationType);
        Assert.True(principal.IsInRole("admin"));
        Assert.Equal(OidcRelyingPartyDefaults.RemoteUserClaimType, ((ClaimsIdentity)principal.Identity).NameClaimType);
    }

    [Fact]
    public void Every_principal_of_a_result_gets_the_same_claims_as_its_own_objects()
    {
        var token = FromJson("""{"sub":"alice","scope":"read write","roles":["admin"]}""");

        // The first principal is built directly, the later ones from templates: they must not differ.
        var principals = Enumerable.Range(0, 3).Select(_ => token.CreatePrincipal("RS", "https://as.example", "roles")).ToList();

        var expected = principals[0].Claims.Select(c => (c.Type, c.Value, c.ValueType, c.Issuer, c.OriginalIssuer)).ToList();
        Assert.Equal(5, expected.Count);
        foreach (var principal in principals)
        {
            Assert.Equal(expected, principal.Claims.Select(c => (c.Type, c.Value, c.ValueType, c.Issuer, c.OriginalIssuer)));
            Assert.All(principal.Claims, c => Assert.Same(principal.Identity, c.Subject));
        }
        // Apps may change their principal: a claim added to one is not seen by the next.
        ((ClaimsIdentity)principals[1].Identity!).AddClaim(new Claim("extra", "x"));
        Assert.Null(token.CreatePrincipal("RS", "https://as.example", "roles").FindFirst("extra"));
        Assert.Equal("other", token.CreatePrincipal("RS", "other", "roles").FindFirst("sub")!.Issuer);
    }
}
