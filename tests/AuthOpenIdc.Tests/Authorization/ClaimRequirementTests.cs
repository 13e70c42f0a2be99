using System.Text.RegularExpressions;
using AuthOpenIdc.Authorization;

namespace AuthOpenIdc.Tests.Authorization;

public class ClaimRequirementTests
{
    [Theory]
    [InlineData("sub:alice", "sub", "alice")]
    [InlineData("realm_access.roles:admin", "realm_access.roles", "admin")]
    [InlineData("acr:urn:mace:incommon:iap:silver", "acr", "urn:mace:incommon:iap:silver")]
    [InlineData("iss:https://op.example.com", "iss", "https://op.example.com")]
    [InlineData("https://example.com/roles:admin", "https://example.com/roles", "admin")]
    [InlineData("note:a~b", "note", "a~b")]
    [InlineData("name:", "name", "")]
    public void Parse_reads_an_exact_value_after_the_first_colon(string expression, string path, string value)
    {
        var requirement = ClaimRequirement.Parse(expression);

        Assert.Equal(path, requirement.Path);
        Assert.Equal([value], requirement.Values);
        Assert.Null(requirement.Pattern);
    }

    [Theory]
    [InlineData(@"email~@example\.com$", "email", @"@example\.com$")]
    [InlineData("acr~^urn:mace:", "acr", "^urn:mace:")]
    [InlineData("https://example.com/groups~^adm", "https://example.com/groups", "^adm")]
    public void Parse_reads_a_regular_expression_after_a_tilde(string expression, string path, string pattern)
    {
        var requirement = ClaimRequirement.Parse(expression);

        Assert.Equal(path, requirement.Path);
        Assert.Empty(requirement.Values);
        Assert.Equal(pattern, requirement.Pattern!.ToString());
    }

    [Fact]
    public void Parsed_regex_is_culture_invariant_with_a_100_ms_timeout()
    {
        var pattern = ClaimRequirement.Parse("email~x").Pattern!;

        Assert.True(pattern.Options.HasFlag(RegexOptions.CultureInvariant));
        Assert.Equal(TimeSpan.FromMilliseconds(100), pattern.MatchTimeout);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("   ", "must not be empty")]
    [InlineData("realm_access.roles", "neither ':'")]
    [InlineData(":admin", "empty claim path")]
    [InlineData("~admin", "empty claim path")]
    [InlineData(".roles:admin", "empty segment")]
    [InlineData("realm_access.:admin", "empty segment")]
    [InlineData("realm_access..roles:admin", "empty segment")]
    [InlineData(" sub:alice", "white space")]
    [InlineData("sub :alice", "white space")]
    [InlineData("email~", "empty regular expression")]
    [InlineData("email~([a-z", "invalid regular expression")]
    public void Parse_rejects_malformed_expressions_with_a_clear_message(string expression, string expected)
    {
        var exception = Assert.Throws<FormatException>(() => ClaimRequirement.Parse(expression));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_rejects_null() =>
        Assert.Throws<ArgumentNullException>(() => ClaimRequirement.Parse(null!));

    [Fact]
    public void AnyOf_takes_the_path_separately_so_claim_names_may_contain_colons()
    {
        var requirement = ClaimRequirement.AnyOf("urn:example:roles", "admin", "ops");

        Assert.Equal("urn:example:roles", requirement.Path);
        Assert.Equal(["admin", "ops"], requirement.Values);
    }

    [Fact]
    public void AnyOf_copies_the_values_so_later_changes_to_the_array_have_no_effect()
    {
        string[] values = ["admin"];
        var requirement = ClaimRequirement.AnyOf("roles", values);

        values[0] = "anyone";

        Assert.Equal(["admin"], requirement.Values);
    }

    [Fact]
    public void AnyOf_and_Matching_reject_bad_arguments()
    {
        Assert.Throws<ArgumentException>(() => ClaimRequirement.AnyOf("roles"));
        Assert.Throws<ArgumentException>(() => ClaimRequirement.AnyOf("roles", [null!]));
        Assert.Throws<ArgumentException>(() => ClaimRequirement.AnyOf("a..b", "x"));
        Assert.Throws<ArgumentException>(() => ClaimRequirement.Matching("roles", ""));
        Assert.Throws<ArgumentException>(() => ClaimRequirement.Matching("roles", "(unclosed"));
    }

    [Fact]
    public void ToString_uses_the_mod_auth_openidc_syntax()
    {
        Assert.Equal("claim realm_access.roles:admin", ClaimRequirement.Parse("realm_access.roles:admin").ToString());
        Assert.Equal("claim email~@x$", ClaimRequirement.Parse("email~@x$").ToString());
        Assert.Equal("claim roles:admin or claim roles:ops", ClaimRequirement.AnyOf("roles", "admin", "ops").ToString());
    }
}
