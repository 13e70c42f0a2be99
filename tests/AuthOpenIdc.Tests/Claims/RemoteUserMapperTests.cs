using System.Diagnostics;
using System.Text.Json;
using AuthOpenIdc.Claims;
using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.Tests.Claims;

public class RemoteUserMapperTests
{
    private const string Issuer = "https://op.example.com";
    private const string Claims = """
        {
          "sub": "248289761001",
          "email": "alice@example.com",
          "preferred_username": "Alice.Smith",
          "employee_number": 4711,
          "email_verified": true,
          "groups": ["a"],
          "address": {"country": "NL"},
          "empty": "",
          "nothing": null
        }
        """;

    [Fact]
    public void Default_claim_is_sub()
    {
        Assert.Equal("248289761001", Map(new OidcRemoteUserOptions()));
    }

    [Fact]
    public void Configured_claim_is_used()
    {
        Assert.Equal("alice@example.com", Map(new OidcRemoteUserOptions { Claim = "email" }));
    }

    [Fact]
    public void Number_claim_keeps_its_text()
    {
        Assert.Equal("4711", Map(new OidcRemoteUserOptions { Claim = "employee_number" }));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("email_verified")]
    [InlineData("groups")]
    [InlineData("address")]
    [InlineData("empty")]
    [InlineData("nothing")]
    [InlineData("EMAIL")]
    public void Missing_empty_or_non_scalar_claim_gives_null(string claim)
    {
        Assert.Null(Map(new OidcRemoteUserOptions { Claim = claim }));
    }

    [Fact]
    public void Non_object_claims_give_null()
    {
        using var document = JsonDocument.Parse("[\"alice\"]");

        Assert.Null(new RemoteUserMapper(new OidcRemoteUserOptions()).Map(document.RootElement, Issuer));
    }

    [Theory]
    [InlineData("https://op.example.com", "248289761001@op.example.com")]
    [InlineData("https://op.example.com/realms/main", "248289761001@op.example.com/realms/main")]
    [InlineData("http://op.example.com", "248289761001@http://op.example.com")]
    [InlineData("urn:op", "248289761001@urn:op")]
    public void Issuer_suffix_is_appended_without_https_scheme(string issuer, string expected)
    {
        Assert.Equal(expected, Map(new OidcRemoteUserOptions { AppendIssuer = true }, issuer));
    }

    [Fact]
    public void Regex_without_replacement_keeps_the_first_group()
    {
        var options = new OidcRemoteUserOptions { Claim = "email", Regex = "^(.*)@example\\.com$" };

        Assert.Equal("alice", Map(options));
    }

    [Fact]
    public void Regex_without_group_keeps_the_whole_match()
    {
        var options = new OidcRemoteUserOptions { Claim = "preferred_username", Regex = "[A-Za-z]+" };

        Assert.Equal("Alice", Map(options));
    }

    [Fact]
    public void Regex_with_several_groups_keeps_only_the_first()
    {
        var options = new OidcRemoteUserOptions { Claim = "email", Regex = "^([^@]+)@([^.]+)" };

        Assert.Equal("alice", Map(options));
    }

    [Theory]
    [InlineData("^(.*)@(.*)$", "$2\\$1", "example.com\\alice")]
    [InlineData("^(?<user>[^@]+)@.*$", "${user}", "alice")]
    [InlineData("^(.*)@example\\.com$", "EXAMPLE\\$1", "EXAMPLE\\alice")]
    public void Regex_with_replacement_substitutes(string regex, string replacement, string expected)
    {
        var options = new OidcRemoteUserOptions { Claim = "email", Regex = regex, Replacement = replacement };

        Assert.Equal(expected, Map(options));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("$1")]
    public void No_match_gives_null(string? replacement)
    {
        var options = new OidcRemoteUserOptions { Claim = "email", Regex = "^(.*)@other\\.org$", Replacement = replacement };

        Assert.Null(Map(options));
    }

    [Fact]
    public void Regex_applies_to_the_claim_before_the_issuer_is_appended()
    {
        // mod_auth_openidc (oidc_set_request_user): OIDCRemoteUserClaim email@ ^(.*)@example\.com$ gives alice@op.example.com.
        var options = new OidcRemoteUserOptions { Claim = "email", AppendIssuer = true, Regex = "^(.*)@example\\.com$" };

        Assert.Equal("alice@op.example.com", Map(options));
    }

    [Fact]
    public void Catastrophic_backtracking_times_out_to_null()
    {
        var claims = $$"""{"sub":"{{new string('a', 40)}}!"}""";
        var mapper = new RemoteUserMapper(new OidcRemoteUserOptions { Regex = "^(a+)+$" });
        using var document = JsonDocument.Parse(claims);

        var watch = Stopwatch.StartNew();
        var result = mapper.Map(document.RootElement, Issuer);

        Assert.Null(result);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    private static string? Map(OidcRemoteUserOptions options, string issuer = Issuer)
    {
        using var document = JsonDocument.Parse(Claims);
        return new RemoteUserMapper(options).Map(document.RootElement, issuer);
    }
}
