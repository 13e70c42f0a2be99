using AuthOpenIdc.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.Tests.Authorization;

public class AuthOpenIdcPoliciesTests
{
    [Fact]
    public void Each_child_key_becomes_a_policy_of_authenticated_user_plus_its_expressions()
    {
        var options = new AuthorizationOptions();

        options.AddClaimPolicies(Section(new()
        {
            ["AuthOpenIdc:Policies:Admins:0"] = "realm_access.roles:admin",
            ["AuthOpenIdc:Policies:Admins:1"] = "email_verified:true",
            ["AuthOpenIdc:Policies:Staff"] = @"email~@example\.com$",
        }));

        var admins = options.GetPolicy("Admins")!;
        Assert.Contains(admins.Requirements, r => r is Microsoft.AspNetCore.Authorization.Infrastructure.DenyAnonymousAuthorizationRequirement);
        Assert.Equal(
            ["claim realm_access.roles:admin", "claim email_verified:true"],
            admins.Requirements.OfType<ClaimRequirement>().Select(r => r.ToString()));
        Assert.Single(options.GetPolicy("Staff")!.Requirements.OfType<ClaimRequirement>());
    }

    [Fact]
    public void Every_bad_expression_is_reported_with_its_configuration_key()
    {
        var section = Section(new()
        {
            ["AuthOpenIdc:Policies:Admins:0"] = "realm_access.roles:admin",
            ["AuthOpenIdc:Policies:Admins:1"] = "realm_access.roles",
            ["AuthOpenIdc:Policies:Staff"] = "email~(",
            ["AuthOpenIdc:Policies:Empty"] = "",
        });

        var exception = Assert.Throws<FormatException>(() => new AuthorizationOptions().AddClaimPolicies(section));

        Assert.Contains("AuthOpenIdc:Policies:Admins:1 is not a valid claim expression (Require claim)", exception.Message, StringComparison.Ordinal);
        Assert.Contains("AuthOpenIdc:Policies:Staff is not a valid claim expression", exception.Message, StringComparison.Ordinal);
        Assert.Contains("AuthOpenIdc:Policies:Empty is not a valid claim expression", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_section_instead_of_an_expression_is_reported()
    {
        var section = Section(new() { ["AuthOpenIdc:Policies:Admins:0:Claim"] = "sub:alice" });

        var exception = Assert.Throws<FormatException>(() => new AuthorizationOptions().AddClaimPolicies(section));

        Assert.Contains("AuthOpenIdc:Policies:Admins:0 must be a claim expression string", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_collection_overload_fails_at_registration_not_on_first_request()
    {
        var section = Section(new() { ["AuthOpenIdc:Policies:Admins"] = "no-separator" });

        Assert.Throws<FormatException>(() => new ServiceCollection().AddAuthOpenIdcAuthorization(section));
    }

    [Fact]
    public void Missing_section_adds_no_policies()
    {
        var options = new AuthorizationOptions();

        options.AddClaimPolicies(Section([]));

        Assert.Null(options.GetPolicy("Admins"));
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(AuthOpenIdcPolicies.ConfigurationSection);
}
