using System.Security.Claims;
using AuthOpenIdc.Authorization;
using Microsoft.AspNetCore.Authorization;

namespace AuthOpenIdc.Tests.Authorization;

public class ScopeRequirementHandlerTests
{
    [Theory]
    [InlineData(new[] { "api.read" }, true)]
    [InlineData(new[] { "api.read", "profile" }, true)]
    [InlineData(new[] { "openid", "profile", "api.read" }, true)]
    [InlineData(new[] { "api.write" }, false)]
    [InlineData(new[] { "api.read", "api.write" }, false)]
    [InlineData(new[] { "api" }, false)]
    [InlineData(new[] { "read" }, false)]
    public void Space_separated_scope_claim(string[] required, bool expected) =>
        Assert.Equal(expected, Satisfies(required, new Claim("scope", "openid profile api.read")));

    [Theory]
    [InlineData(new[] { "api.read" }, true)]
    [InlineData(new[] { "api.read", "profile" }, true)]
    [InlineData(new[] { "api.write" }, false)]
    public void One_claim_per_scope(string[] required, bool expected) =>
        Assert.Equal(expected, Satisfies(required, new Claim("scope", "openid"), new Claim("scope", "profile"), new Claim("scope", "api.read")));

    [Fact]
    public void Scopes_may_be_spread_over_both_shapes() =>
        Assert.True(Satisfies(["a", "d"], new Claim("scope", "a b"), new Claim("scope", "c d")));

    [Fact]
    public void Extra_spaces_do_not_produce_an_empty_scope() =>
        Assert.True(Satisfies(["b"], new Claim("scope", "  a   b ")));

    [Fact]
    public void Other_claims_do_not_count_as_scopes() =>
        Assert.False(Satisfies(["api.read"], new Claim("scp", "api.read"), new Claim("Scope", "api.read")));

    [Fact]
    public void No_scope_claim_does_not_match() =>
        Assert.False(Satisfies(["openid"]));

    [Fact]
    public void Constructor_rejects_bad_scopes()
    {
        Assert.Throws<ArgumentException>(() => new ScopeRequirement([]));
        Assert.Throws<ArgumentException>(() => new ScopeRequirement([""]));
        Assert.Throws<ArgumentException>(() => new ScopeRequirement(["a b"]));
        Assert.Throws<ArgumentNullException>(() => new ScopeRequirement(null!));
    }

    [Fact]
    public void ToString_names_the_scopes() =>
        Assert.Equal("scope a b", new ScopeRequirement(["a", "b"]).ToString());

    private static bool Satisfies(string[] required, params Claim[] claims)
    {
        var requirement = new ScopeRequirement(required);
        var context = new AuthorizationHandlerContext([requirement], new ClaimsPrincipal(new ClaimsIdentity(claims, "test")), null);
        new ScopeRequirementHandler().HandleAsync(context).GetAwaiter().GetResult();
        return context.HasSucceeded;
    }
}
