using System.Security.Claims;
using System.Text;
using AuthOpenIdc.HeaderPassThrough;
using AuthOpenIdc.Tests.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace AuthOpenIdc.Tests.HeaderPassThrough;

public class ClaimHeadersMiddlewareTests
{
    private const string Alice = """
        {
          "sub": "alice",
          "name": "GÜnther D†gger",
          "email_verified": true,
          "age": 42,
          "groups": ["a,b", "c\\d", "e"],
          "address": { "country": "NL" },
          "https://example.com/roles": ["admin"]
        }
        """;

    private readonly CapturingLogger<ClaimHeadersMiddleware> _logger = new();

    [Theory]
    [InlineData("OIDC_CLAIM_sub")]
    [InlineData("oidc_claim_admin")]
    [InlineData("OIDC-CLAIM-sub")]
    [InlineData("OIDC_access_token")]
    [InlineData("OIDC_access_token_expires")]
    [InlineData("oidc-access-token")]
    [InlineData("OIDC_id_token")]
    [InlineData("X-Remote-User")]
    [InlineData("x_remote_user")]
    public async Task Spoofed_identity_headers_are_removed_for_anonymous_requests(string header)
    {
        var (context, nextCalled) = await RunAsync(TestPrincipals.Anonymous(), o => o.AuthenticatedUserHeader = "X-Remote-User",
            request => request.Headers[header] = "spoofed");

        Assert.True(nextCalled);
        Assert.False(context.Request.Headers.ContainsKey(header));
        Assert.Equal("kept", context.Request.Headers["X-Unrelated"]);
    }

    [Fact]
    public async Task Spoofed_identity_headers_are_replaced_for_authenticated_requests()
    {
        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice, remoteUser: "alice"), o => o.AuthenticatedUserHeader = "X-Remote-User",
            request =>
            {
                request.Headers["OIDC_CLAIM_sub"] = "mallory";
                request.Headers["OIDC_CLAIM_is_admin"] = "true";
                request.Headers["oidc-claim-sub"] = "mallory";
                request.Headers["X-Remote-User"] = "mallory";
                request.Headers["OIDC_access_token"] = "forged";
            });

        var headers = context.Request.Headers;
        Assert.Equal("alice", headers["OIDC_CLAIM_sub"]);
        Assert.False(headers.ContainsKey("OIDC_CLAIM_is_admin"));
        Assert.False(headers.ContainsKey("OIDC_access_token"));
        Assert.Equal("alice", headers["X-Remote-User"]);
        Assert.Equal(1, headers["OIDC_CLAIM_sub"].Count);
        Assert.Equal(1, headers["X-Remote-User"].Count);
    }

    [Fact]
    public async Task Removal_is_logged_by_header_name_never_by_value()
    {
        await RunAsync(TestPrincipals.Anonymous(), null, request => request.Headers["OIDC_CLAIM_sub"] = "secret-spoofed-value");

        var entry = Assert.Single(_logger.Entries);
        Assert.Equal(7100, entry.EventId.Id);
        Assert.Contains("OIDC_CLAIM_sub", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-spoofed-value", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claims_become_prefixed_headers_with_typed_and_json_values()
    {
        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice));

        var headers = context.Request.Headers;
        Assert.Equal("alice", headers["OIDC_CLAIM_sub"]);
        Assert.Equal("true", headers["OIDC_CLAIM_email_verified"]);
        Assert.Equal("42", headers["OIDC_CLAIM_age"]);
        Assert.Equal("""{ "country": "NL" }""", headers["OIDC_CLAIM_address"]);
    }

    [Fact]
    public async Task Multi_valued_claims_are_joined_with_escaping()
    {
        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice));

        Assert.Equal(@"a\,b,c\\d,e", context.Request.Headers["OIDC_CLAIM_groups"]);
    }

    [Fact]
    public async Task A_custom_delimiter_is_used_and_escaped()
    {
        var user = TestPrincipals.FromJson("""{ "groups": ["x|y", "z"] }""");

        var (context, _) = await RunAsync(user, o => o.Delimiter = "|");

        Assert.Equal(@"x\|y|z", context.Request.Headers["OIDC_CLAIM_groups"]);
    }

    [Fact]
    public async Task A_single_value_is_passed_without_escaping()
    {
        var user = TestPrincipals.FromJson("""{ "windows_account": "DOMAIN\\alice", "note": "a,b" }""");

        var (context, _) = await RunAsync(user);

        Assert.Equal(@"DOMAIN\alice", context.Request.Headers["OIDC_CLAIM_windows_account"]);
        Assert.Equal("a,b", context.Request.Headers["OIDC_CLAIM_note"]);
    }

    [Fact]
    public async Task Latin1_is_the_default_encoding()
    {
        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice));

        Assert.Equal("GÜnther D?gger", context.Request.Headers["OIDC_CLAIM_name"]);
    }

    [Fact]
    public async Task Control_characters_in_claims_cannot_inject_headers()
    {
        var user = TestPrincipals.FromJson("""{ "name": "alice\r\nOIDC_CLAIM_admin: true" }""");

        var (context, _) = await RunAsync(user, o => o.Encoding = ClaimHeaderEncoding.None);

        Assert.Equal("aliceOIDC_CLAIM_admin: true", context.Request.Headers["OIDC_CLAIM_name"]);
        Assert.False(context.Request.Headers.ContainsKey("OIDC_CLAIM_admin"));
    }

    [Fact]
    public async Task Base64url_encoding_applies_to_the_joined_value()
    {
        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice), o => o.Encoding = ClaimHeaderEncoding.Base64Url);

        Assert.Equal(Base64Url("GÜnther D†gger"), context.Request.Headers["OIDC_CLAIM_name"]);
        Assert.Equal(Base64Url(@"a\,b,c\\d,e"), context.Request.Headers["OIDC_CLAIM_groups"]);
    }

    [Fact]
    public async Task Header_names_are_normalised_and_prefixed()
    {
        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice), o => o.Prefix = "X-Claim-");

        Assert.Equal("admin", context.Request.Headers["X-Claim-https---example-com-roles"]);
        Assert.Equal("alice", context.Request.Headers["X-Claim-sub"]);
    }

    [Fact]
    public async Task Claim_types_that_normalise_alike_share_one_header()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("a.b", "1"), new Claim("a:b", "2")], "test"));

        var (context, _) = await RunAsync(user);

        Assert.Equal("1,2", context.Request.Headers["OIDC_CLAIM_a-b"]);
    }

    [Fact]
    public async Task Include_and_exclude_filter_claim_types()
    {
        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice), o =>
        {
            o.IncludeClaims.Add("sub");
            o.IncludeClaims.Add("groups");
            o.ExcludeClaims.Add("groups");
        });

        var claimHeaders = context.Request.Headers.Keys.Where(k => k.StartsWith("OIDC_CLAIM_", StringComparison.Ordinal));
        Assert.Equal(["OIDC_CLAIM_sub"], claimHeaders);
    }

    [Fact]
    public async Task Empty_prefix_with_included_claims_removes_and_sets_exactly_those_names()
    {
        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice), o =>
        {
            o.Prefix = "";
            o.IncludeClaims.Add("sub");
        }, request => request.Headers["SUB"] = "mallory");

        Assert.Equal("alice", context.Request.Headers["sub"]);
        Assert.Equal(1, context.Request.Headers["sub"].Count);
        Assert.Equal("kept", context.Request.Headers["X-Unrelated"]);
    }

    [Fact]
    public async Task Authenticated_user_header_carries_identity_name()
    {
        var user = TestPrincipals.FromJson("""{ "sub": "alice" }""", remoteUser: "Jürgen\u2020");

        var (context, _) = await RunAsync(user, o =>
        {
            o.AuthenticatedUserHeader = "SM_USER";
            o.Encoding = ClaimHeaderEncoding.Base64Url;
        });

        Assert.Equal("Jürgen?", context.Request.Headers["SM_USER"]);
    }

    [Fact]
    public async Task Access_token_is_not_passed_by_default_and_authentication_is_not_consulted()
    {
        var authentication = AuthenticationWithTokens();

        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice), authentication: authentication.Object);

        Assert.False(context.Request.Headers.ContainsKey(ClaimHeadersDefaults.AccessTokenHeader));
        authentication.Verify(a => a.AuthenticateAsync(It.IsAny<HttpContext>(), It.IsAny<string?>()), Times.Never);
    }

    [Fact]
    public async Task Access_token_and_expiry_are_passed_when_enabled()
    {
        var authentication = AuthenticationWithTokens();

        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice), o => o.PassAccessToken = true, authentication: authentication.Object);

        Assert.Equal("at-123", context.Request.Headers["OIDC_access_token"]);
        Assert.Equal("1893456000", context.Request.Headers["OIDC_access_token_expires"]);
        Assert.DoesNotContain(_logger.Entries, e => e.Message.Contains("at-123", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Access_token_is_not_passed_for_anonymous_requests()
    {
        var authentication = AuthenticationWithTokens();

        var (context, _) = await RunAsync(TestPrincipals.Anonymous(), o => o.PassAccessToken = true, authentication: authentication.Object);

        Assert.False(context.Request.Headers.ContainsKey("OIDC_access_token"));
    }

    [Fact]
    public async Task Session_without_access_token_sets_no_token_headers()
    {
        var authentication = new Mock<IAuthenticationService>();
        authentication.Setup(a => a.AuthenticateAsync(It.IsAny<HttpContext>(), It.IsAny<string?>()))
            .ReturnsAsync(AuthenticateResult.Success(new AuthenticationTicket(TestPrincipals.FromJson(Alice), "test")));

        var (context, _) = await RunAsync(TestPrincipals.FromJson(Alice), o => o.PassAccessToken = true, authentication: authentication.Object);

        Assert.False(context.Request.Headers.ContainsKey("OIDC_access_token"));
        Assert.False(context.Request.Headers.ContainsKey("OIDC_access_token_expires"));
    }

    [Fact]
    public void Invalid_options_are_all_reported_when_the_middleware_is_built()
    {
        var options = new ClaimHeadersOptions { Prefix = "OIDC CLAIM", Delimiter = @"\", AuthenticatedUserHeader = "X Remote", Encoding = (ClaimHeaderEncoding)9 };

        var exception = Assert.Throws<OptionsValidationException>(() => new ClaimHeadersMiddleware(_ => Task.CompletedTask, options, _logger));

        Assert.Equal(4, exception.Failures.Count());
        Assert.Contains(exception.Failures, f => f.Contains("(OIDCClaimPrefix)", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("(OIDCClaimDelimiter)", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("(OIDCAuthNHeader)", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, f => f.Contains("(OIDCPassClaimsAs)", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_prefix_without_included_claims_is_rejected()
    {
        var exception = Assert.Throws<OptionsValidationException>(() =>
            new ClaimHeadersMiddleware(_ => Task.CompletedTask, new ClaimHeadersOptions { Prefix = "" }, _logger));

        Assert.Contains("IncludeClaims", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_delimiter_is_rejected() =>
        Assert.Throws<OptionsValidationException>(() =>
            new ClaimHeadersMiddleware(_ => Task.CompletedTask, new ClaimHeadersOptions { Delimiter = "" }, _logger));

    private async Task<(HttpContext Context, bool NextCalled)> RunAsync(
        ClaimsPrincipal user,
        Action<ClaimHeadersOptions>? configure = null,
        Action<HttpRequest>? request = null,
        IAuthenticationService? authentication = null)
    {
        var options = new ClaimHeadersOptions();
        configure?.Invoke(options);
        bool nextCalled = false;
        var middleware = new ClaimHeadersMiddleware(_ => { nextCalled = true; return Task.CompletedTask; }, options, _logger);

        var services = new ServiceCollection();
        if (authentication is not null)
        {
            services.AddSingleton(authentication);
        }

        var context = new DefaultHttpContext { User = user, RequestServices = services.BuildServiceProvider() };
        context.Request.Headers["X-Unrelated"] = "kept";
        request?.Invoke(context.Request);

        await middleware.InvokeAsync(context);
        return (context, nextCalled);
    }

    private static Mock<IAuthenticationService> AuthenticationWithTokens()
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = "access_token", Value = "at-123" },
            new AuthenticationToken { Name = "expires_at", Value = "2030-01-01T00:00:00.0000000+00:00" },
        ]);
        var ticket = new AuthenticationTicket(TestPrincipals.FromJson(Alice), properties, "test");
        var authentication = new Mock<IAuthenticationService>();
        authentication.Setup(a => a.AuthenticateAsync(It.IsAny<HttpContext>(), It.IsAny<string?>()))
            .ReturnsAsync(AuthenticateResult.Success(ticket));
        return authentication;
    }

    private static string Base64Url(string value) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
