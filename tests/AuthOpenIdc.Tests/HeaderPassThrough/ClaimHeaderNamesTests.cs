using AuthOpenIdc.HeaderPassThrough;

namespace AuthOpenIdc.Tests.HeaderPassThrough;

public class ClaimHeaderNamesTests
{
    [Theory]
    [InlineData("sub", "sub")]
    [InlineData("given_name", "given_name")]
    [InlineData("x-custom-1", "x-custom-1")]
    [InlineData("https://example.com/roles", "https---example-com-roles")]
    [InlineData("realm_access.roles", "realm_access-roles")]
    [InlineData("a b:c\r\nd", "a-b-c--d")]
    [InlineData("Günther", "G-nther")]
    public void Normalize_replaces_characters_outside_the_header_name_set(string claimType, string expected) =>
        Assert.Equal(expected, ClaimHeaderNames.Normalize(claimType));

    [Fact]
    public void Normalize_returns_the_same_instance_when_nothing_changes()
    {
        const string claimType = "email_verified";

        Assert.Same(claimType, ClaimHeaderNames.Normalize(claimType));
    }

    [Theory]
    [InlineData("OIDC_CLAIM_sub", true)]
    [InlineData("oidc_claim_sub", true)]
    [InlineData("OIDC-CLAIM-sub", true)]
    [InlineData("Oidc-Claim_", true)]
    [InlineData("OIDC_CLAIM", false)]
    [InlineData("X-OIDC_CLAIM_sub", false)]
    public void Prefix_matching_ignores_case_and_treats_dash_as_underscore(string name, bool expected) =>
        Assert.Equal(expected, ClaimHeaderNames.StartsWithEquivalent(name, "OIDC_CLAIM_"));

    [Theory]
    [InlineData("X-Remote-User", true)]
    [InlineData("x_remote_user", true)]
    [InlineData("X-Remote-Users", false)]
    public void Name_equality_ignores_case_and_treats_dash_as_underscore(string name, bool expected) =>
        Assert.Equal(expected, ClaimHeaderNames.EqualsEquivalent(name, "X-Remote-User"));
}
