using System.Security.Claims;
using AuthOpenIdc.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AuthOpenIdc.Tests.Authorization;

/// <summary>The requirements through the real <see cref="IAuthorizationService"/>, as an app uses them.</summary>
public class AuthorizationServiceTests
{
    private const string Admin = """
        { "sub": "alice", "scope": "openid api.read", "email_verified": true,
          "realm_access": { "roles": ["admin"] }, "https://example.com/groups": ["ops"] }
        """;

    private const string User = """
        { "sub": "bob", "scope": "openid", "email_verified": false, "realm_access": { "roles": ["user"] } }
        """;

    [Theory]
    [InlineData("CodeAdmins", true, false)]
    [InlineData("ConfigAdmins", true, false)]
    [InlineData("Ops", true, false)]
    [InlineData("Readers", true, false)]
    [InlineData("Verified", true, false)]
    public async Task Policies_built_in_code_and_configuration_authorize_the_right_user(string policy, bool admin, bool user)
    {
        var authorization = BuildServices().GetRequiredService<IAuthorizationService>();

        Assert.Equal(admin, (await authorization.AuthorizeAsync(TestPrincipals.FromJson(Admin), policy)).Succeeded);
        Assert.Equal(user, (await authorization.AuthorizeAsync(TestPrincipals.FromJson(User), policy)).Succeeded);
    }

    [Fact]
    public async Task Anonymous_user_fails_a_configured_policy()
    {
        var authorization = BuildServices().GetRequiredService<IAuthorizationService>();

        var result = await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity()), "ConfigAdmins");

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Failure_names_the_unmet_requirement()
    {
        var authorization = BuildServices().GetRequiredService<IAuthorizationService>();

        var result = await authorization.AuthorizeAsync(TestPrincipals.FromJson(User), "CodeAdmins");

        Assert.Equal("claim realm_access.roles:admin", Assert.Single(result.Failure!.FailedRequirements).ToString());
    }

    [Fact]
    public void Registration_is_idempotent()
    {
        var services = new ServiceCollection().AddAuthOpenIdcAuthorization().AddAuthOpenIdcAuthorization();

        Assert.Equal(2, services.Count(d => d.ServiceType == typeof(IAuthorizationHandler)));
    }

    [Fact]
    public async Task Without_the_handlers_a_claim_policy_fails_closed()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddAuthorization(o => o.AddPolicy("Admins", b => b.RequireClaimExpression("realm_access.roles:admin")));
        var authorization = services.BuildServiceProvider().GetRequiredService<IAuthorizationService>();

        Assert.False((await authorization.AuthorizeAsync(TestPrincipals.FromJson(Admin), "Admins")).Succeeded);
    }

    private static ServiceProvider BuildServices()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuthOpenIdc:Policies:ConfigAdmins:0"] = "realm_access.roles:admin",
            ["AuthOpenIdc:Policies:ConfigAdmins:1"] = "email_verified:true",
        }).Build();

        return new ServiceCollection()
            .AddLogging()
            .AddAuthorization(options =>
            {
                options.AddPolicy("CodeAdmins", b => b.RequireClaimExpression("realm_access.roles:admin"));
                options.AddPolicy("Ops", b => b.RequireClaimMatch("https://example.com/groups", "^op"));
                options.AddPolicy("Readers", b => b.RequireScope("api.read"));
                options.AddPolicy("Verified", b => b.RequireClaimValue("email_verified", "true"));
                options.AddClaimPolicies(configuration.GetSection(AuthOpenIdcPolicies.ConfigurationSection));
            })
            .AddAuthOpenIdcAuthorization()
            .BuildServiceProvider();
    }
}
