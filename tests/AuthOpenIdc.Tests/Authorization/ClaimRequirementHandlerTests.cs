using System.Diagnostics;
using System.Security.Claims;
using AuthOpenIdc.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.Tests.Authorization;

public class ClaimRequirementHandlerTests
{
    private const string Keycloak = """
        {
          "sub": "alice",
          "email": "alice@example.com",
          "email_verified": true,
          "age": 42,
          "score": 1.5,
          "groups": ["staff", "admins", "a,b"],
          "realm_access": { "roles": ["offline_access", "admin"], "level": 3, "primary": "admin" },
          "resource_access": { "account": { "roles": ["manage-account", "view-profile"] } },
          "matrix": [["inner"]],
          "holder": { "matrix": [["inner"]], "list": [{ "name": "x" }], "nothing": null }
        }
        """;

    private readonly CapturingLogger<ClaimRequirementHandler> _logger = new();

    [Theory]
    [InlineData("sub:alice", true)]
    [InlineData("sub:Alice", false)]
    [InlineData("sub:alic", false)]
    [InlineData("email:alice@example.com", true)]
    public void Exact_string_compares_ordinally(string expression, bool expected) =>
        Assert.Equal(expected, Satisfies(expression, Keycloak));

    [Theory]
    [InlineData("groups:admins", true)]
    [InlineData("groups:staff", true)]
    [InlineData("groups:a,b", true)]
    [InlineData("groups:a", false)]
    [InlineData("groups:nobody", false)]
    public void Array_claim_matches_when_any_element_matches(string expression, bool expected) =>
        Assert.Equal(expected, Satisfies(expression, Keycloak));

    [Theory]
    [InlineData("realm_access.primary:admin", true)]
    [InlineData("realm_access.roles:admin", true)]
    [InlineData("realm_access.roles:offline_access", true)]
    [InlineData("realm_access.roles:superuser", false)]
    [InlineData("realm_access.missing:admin", false)]
    [InlineData("realm_access:admin", false)]
    public void Nested_path_descends_into_an_object_claim(string expression, bool expected) =>
        Assert.Equal(expected, Satisfies(expression, Keycloak));

    [Theory]
    [InlineData("resource_access.account.roles:manage-account", true)]
    [InlineData("resource_access.account.roles:view-profile", true)]
    [InlineData("resource_access.account.roles:admin", false)]
    [InlineData("resource_access.other.roles:manage-account", false)]
    public void Nested_array_in_a_nested_object_is_searched(string expression, bool expected) =>
        Assert.Equal(expected, Satisfies(expression, Keycloak));

    [Theory]
    [InlineData("email_verified:true", true)]
    [InlineData("email_verified:false", false)]
    [InlineData("email_verified:True", false)]
    [InlineData("email_verified:1", false)]
    [InlineData("age:42", true)]
    [InlineData("age:42.0", true)]
    [InlineData("age:43", false)]
    [InlineData("age:forty-two", false)]
    [InlineData("score:1.5", true)]
    [InlineData("score:1.50", true)]
    [InlineData("score:2", false)]
    [InlineData("realm_access.level:3", true)]
    [InlineData("realm_access.level:4", false)]
    public void Booleans_and_numbers_compare_by_their_json_type(string expression, bool expected) =>
        Assert.Equal(expected, Satisfies(expression, Keycloak));

    [Fact]
    public void Large_integers_compare_exactly_rather_than_as_doubles()
    {
        const string json = """{ "id": 9007199254740993 }""";

        Assert.True(Satisfies("id:9007199254740993", json));
        Assert.False(Satisfies("id:9007199254740992", json));
    }

    [Fact]
    public void Nested_booleans_compare_by_type()
    {
        const string json = """{ "flags": { "mfa": true, "list": [false, "x"] } }""";

        Assert.True(Satisfies("flags.mfa:true", json));
        Assert.False(Satisfies("flags.mfa:false", json));
        Assert.True(Satisfies("flags.list:false", json));
    }

    [Theory]
    [InlineData(@"email~@example\.com$", true)]
    [InlineData(@"email~^bob@", false)]
    [InlineData("groups~^adm", true)]
    [InlineData("groups~^root$", false)]
    [InlineData("realm_access.roles~^adm", true)]
    [InlineData("resource_access.account.roles~profile$", true)]
    public void Regex_matches_a_string_or_any_array_element(string expression, bool expected) =>
        Assert.Equal(expected, Satisfies(expression, Keycloak));

    [Fact]
    public void Regex_is_unanchored_like_pcre() =>
        Assert.True(Satisfies(@"email~@example\.com", """{ "email": "x@example.com.evil" }"""));

    [Theory]
    [InlineData("age~42")]
    [InlineData("email_verified~true")]
    [InlineData("realm_access~admin")]
    public void Regex_applies_to_strings_only(string expression) =>
        Assert.False(Satisfies(expression, Keycloak));

    [Fact]
    public void Catastrophic_regex_times_out_as_no_match_without_an_exception()
    {
        var requirement = ClaimRequirement.Parse("name~^(a|aa)+$");
        var user = TestPrincipals.FromJson($$"""{ "name": "{{new string('a', 5000)}}!" }""");

        var stopwatch = Stopwatch.StartNew();
        bool satisfied = Satisfies(requirement, user);
        stopwatch.Stop();

        Assert.False(satisfied);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"took {stopwatch.Elapsed}");
        var entry = Assert.Single(_logger.Entries);
        Assert.Equal(7000, entry.EventId.Id);
        Assert.DoesNotContain("aaaa", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeout_on_one_element_does_not_hide_a_match_on_another()
    {
        var requirement = ClaimRequirement.Parse("name~^(a|aa)+$");
        var user = TestPrincipals.FromJson($$"""{ "name": ["{{new string('a', 5000)}}!", "aaaa"] }""");

        Assert.True(Satisfies(requirement, user));
    }

    [Fact]
    public void Arrays_of_arrays_are_not_recursed()
    {
        Assert.False(Satisfies("matrix:inner", Keycloak));
        Assert.False(Satisfies("holder.matrix:inner", Keycloak));
        Assert.False(Satisfies("matrix~inner", Keycloak));
    }

    [Fact]
    public void A_path_does_not_descend_through_an_array_inside_a_json_claim() =>
        Assert.False(Satisfies("holder.list.name:x", Keycloak));

    [Fact]
    public void Json_null_never_matches() =>
        Assert.False(Satisfies("holder.nothing:null", Keycloak));

    [Fact]
    public void Claim_type_containing_dots_is_matched_whole()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("realm_access.roles", "admin"), new Claim("realm_access.roles", "user")], "test"));

        Assert.True(Satisfies(ClaimRequirement.Parse("realm_access.roles:admin"), user));
        Assert.False(Satisfies(ClaimRequirement.Parse("realm_access.roles:root"), user));
    }

    [Fact]
    public void The_longest_claim_type_that_prefixes_the_path_wins()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("realm_access", """{"roles":["admin"]}""", JsonClaimValueTypes.Json),
            new Claim("realm_access.roles", "user"),
        ], "test"));

        Assert.True(Satisfies(ClaimRequirement.Parse("realm_access.roles:user"), user));
        Assert.False(Satisfies(ClaimRequirement.Parse("realm_access.roles:admin"), user));
    }

    [Fact]
    public void Url_claim_names_work_as_whole_paths_and_as_path_prefixes()
    {
        const string json = """
            {
              "https://example.com/roles": ["admin", "ops"],
              "https://example.com/claims": { "tenant": { "id": "t1" }, "app.roles": ["editor"] }
            }
            """;

        Assert.True(Satisfies("https://example.com/roles:admin", json));
        Assert.True(Satisfies("https://example.com/roles~^op", json));
        Assert.False(Satisfies("https://example.com/roles:root", json));
        Assert.True(Satisfies("https://example.com/claims.tenant.id:t1", json));
        Assert.True(Satisfies("https://example.com/claims.app.roles:editor", json));
        Assert.False(Satisfies("https://example.com/claims.tenant.id:t2", json));
    }

    [Fact]
    public void A_shorter_claim_type_only_counts_at_a_segment_boundary()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("realm", "admin")], "test"));

        Assert.False(Satisfies(ClaimRequirement.Parse("realm_access:admin"), user));
    }

    [Fact]
    public void Claim_types_compare_case_sensitively() =>
        Assert.False(Satisfies("SUB:alice", Keycloak));

    [Theory]
    [InlineData("missing:x")]
    [InlineData("missing.nested:x")]
    [InlineData("missing~x")]
    public void Missing_claim_does_not_match(string expression) =>
        Assert.False(Satisfies(expression, Keycloak));

    [Fact]
    public void Anonymous_user_does_not_match() =>
        Assert.False(Satisfies(ClaimRequirement.Parse("sub:alice"), TestPrincipals.Anonymous()));

    [Fact]
    public void Malformed_json_claim_does_not_match_and_does_not_throw()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("realm_access", """{"roles": ["admin" """, JsonClaimValueTypes.Json)], "test"));

        Assert.False(Satisfies(ClaimRequirement.Parse("realm_access.roles:admin"), user));
        Assert.Equal(7001, Assert.Single(_logger.Entries).EventId.Id);
    }

    [Theory]
    [InlineData("[\"admin\"]")]
    [InlineData("\"admin\"")]
    [InlineData("")]
    public void Json_claim_that_is_not_an_object_does_not_match(string value)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("realm_access", value, JsonClaimValueTypes.Json)], "test"));

        Assert.False(Satisfies(ClaimRequirement.Parse("realm_access.roles:admin"), user));
    }

    [Fact]
    public void A_string_claim_holding_json_text_is_not_descended_into()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("nickname", """{"roles":["admin"]}""", ClaimValueTypes.String)], "test"));

        Assert.False(Satisfies(ClaimRequirement.Parse("nickname.roles:admin"), user));
    }

    [Fact]
    public void Claims_of_every_identity_are_evaluated()
    {
        var user = new ClaimsPrincipal(
        [
            new ClaimsIdentity([new Claim("sub", "alice")], "first"),
            new ClaimsIdentity([new Claim("roles", "admin")], "second"),
        ]);

        Assert.True(Satisfies(ClaimRequirement.Parse("roles:admin"), user));
    }

    [Fact]
    public void AnyOf_matches_any_listed_value()
    {
        var user = TestPrincipals.FromJson(Keycloak);

        Assert.True(Satisfies(ClaimRequirement.AnyOf("realm_access.roles", "root", "admin"), user));
        Assert.False(Satisfies(ClaimRequirement.AnyOf("realm_access.roles", "root", "superuser"), user));
    }

    private bool Satisfies(string expression, string json) =>
        Satisfies(ClaimRequirement.Parse(expression), TestPrincipals.FromJson(json));

    private bool Satisfies(ClaimRequirement requirement, ClaimsPrincipal user)
    {
        var context = new AuthorizationHandlerContext([requirement], user, resource: null);
        new ClaimRequirementHandler(_logger).HandleAsync(context).GetAwaiter().GetResult();
        Assert.False(context.HasFailed);
        return context.HasSucceeded;
    }
}
