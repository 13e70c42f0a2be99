using System.Security.Claims;
using System.Text.Json;
using AuthOpenIdc.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.Tests.Claims;

public class JsonClaimsMapperTests
{
    private const string Issuer = "https://op.example.com";

    [Fact]
    public void String_becomes_a_string_claim_with_the_issuer()
    {
        var claim = Assert.Single(Map("""{"sub":"alice"}"""));

        Assert.Equal("sub", claim.Type);
        Assert.Equal("alice", claim.Value);
        Assert.Equal(ClaimValueTypes.String, claim.ValueType);
        Assert.Equal(Issuer, claim.Issuer);
        Assert.Equal(Issuer, claim.OriginalIssuer);
    }

    [Theory]
    [InlineData("42", "42", ClaimValueTypes.Integer64)]
    [InlineData("-7", "-7", ClaimValueTypes.Integer64)]
    [InlineData("9223372036854775807", "9223372036854775807", ClaimValueTypes.Integer64)]
    [InlineData("9223372036854775808", "9223372036854775808", ClaimValueTypes.Double)]
    [InlineData("1.5", "1.5", ClaimValueTypes.Double)]
    [InlineData("1e3", "1e3", ClaimValueTypes.Double)]
    [InlineData("1E+400", "1E+400", ClaimValueTypes.Double)]
    public void Number_keeps_its_text_and_gets_a_numeric_type(string json, string value, string valueType)
    {
        var claim = Assert.Single(Map($$"""{"n":{{json}}}"""));

        Assert.Equal(value, claim.Value);
        Assert.Equal(valueType, claim.ValueType);
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    public void Boolean_becomes_a_lowercase_boolean_claim(string json, string value)
    {
        var claim = Assert.Single(Map($$"""{"email_verified":{{json}}}"""));

        Assert.Equal(value, claim.Value);
        Assert.Equal(ClaimValueTypes.Boolean, claim.ValueType);
    }

    [Fact]
    public void Array_becomes_one_claim_per_element()
    {
        var claims = Map("""{"groups":["a","b",3,true]}""");

        Assert.Equal(["a", "b", "3", "true"], claims.Select(c => c.Value));
        Assert.All(claims, c => Assert.Equal("groups", c.Type));
        Assert.Equal([ClaimValueTypes.String, ClaimValueTypes.String, ClaimValueTypes.Integer64, ClaimValueTypes.Boolean], claims.Select(c => c.ValueType));
    }

    [Fact]
    public void Empty_array_gives_no_claim()
    {
        Assert.Empty(Map("""{"groups":[]}"""));
    }

    [Fact]
    public void Object_stays_one_json_claim()
    {
        var claim = Assert.Single(Map("""{"realm_access":{"roles":["admin","user"]}}"""));

        Assert.Equal("realm_access", claim.Type);
        Assert.Equal("""{"roles":["admin","user"]}""", claim.Value);
        Assert.Equal(JsonClaimValueTypes.Json, claim.ValueType);
    }

    [Fact]
    public void Nested_array_and_object_elements_keep_their_json()
    {
        var claims = Map("""{"x":[[1,2],{"a":1}]}""");

        Assert.Equal(2, claims.Count);
        Assert.Equal(("[1,2]", JsonClaimValueTypes.JsonArray), (claims[0].Value, claims[0].ValueType));
        Assert.Equal(("""{"a":1}""", JsonClaimValueTypes.Json), (claims[1].Value, claims[1].ValueType));
    }

    [Fact]
    public void Null_values_are_omitted()
    {
        Assert.Equal(["b"], Map("""{"a":null,"list":[null,"b",null]}""").Select(c => c.Value));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Non_object_source_adds_nothing(string json)
    {
        Assert.Empty(Map(json));
    }

    [Fact]
    public void Default_element_adds_nothing()
    {
        var claims = new List<Claim>();

        JsonClaimsMapper.AddClaims(claims, default, Issuer);

        Assert.Empty(claims);
    }

    [Fact]
    public void Claims_are_appended_to_existing_ones()
    {
        var claims = new List<Claim> { new("remote_user", "alice") };

        JsonClaimsMapper.AddClaims(claims, Parse("""{"sub":"alice"}"""), Issuer);

        Assert.Equal(["remote_user", "sub"], claims.Select(c => c.Type));
    }

    [Fact]
    public void Merge_lets_later_sources_win_per_top_level_name()
    {
        var merged = JsonClaimsMapper.Merge(
            Parse("""{"sub":"alice","name":"From userinfo","address":{"country":"NL","city":"Delft"}}"""),
            Parse("""{"name":"From ID token","address":{"country":"BE"}}"""));

        Assert.Equal("alice", merged.GetProperty("sub").GetString());
        Assert.Equal("From ID token", merged.GetProperty("name").GetString());
        Assert.Equal("""{"country":"BE"}""", merged.GetProperty("address").GetRawText());
    }

    [Fact]
    public void Merge_ignores_null_and_non_object_sources()
    {
        var merged = JsonClaimsMapper.Merge(null, Parse("[1,2]"), Parse("""{"sub":"alice"}"""), Parse("\"x\""), null);

        Assert.Equal(JsonValueKind.Object, merged.ValueKind);
        Assert.Equal("""{"sub":"alice"}""", merged.GetRawText());
    }

    [Fact]
    public void Merge_of_nothing_is_an_empty_object()
    {
        var merged = JsonClaimsMapper.Merge();

        Assert.Equal(JsonValueKind.Object, merged.ValueKind);
        Assert.Empty(merged.EnumerateObject());
    }

    [Fact]
    public void ToInvariantString_ignores_the_current_culture()
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            Assert.Equal("-1234567", JsonClaimsMapper.ToInvariantString(-1234567));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    private static List<Claim> Map(string json)
    {
        var claims = new List<Claim>();
        JsonClaimsMapper.AddClaims(claims, Parse(json), Issuer);
        return claims;
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
