using System.Text;
using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.Tests.ResourceServer;

public class BearerTokenExtractorTests
{
    private const AcceptTokenAs All = AcceptTokenAs.Header | AcceptTokenAs.Form | AcceptTokenAs.Query | AcceptTokenAs.Cookie | AcceptTokenAs.Basic;

    private static DefaultHttpContext Context(string? authorization = null, string? query = null, string? form = null, string? cookie = null)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = form is null ? "GET" : "POST";
        if (authorization is not null)
        {
            request.Headers.Authorization = authorization;
        }
        if (query is not null)
        {
            request.QueryString = new QueryString("?" + query);
        }
        if (form is not null)
        {
            request.ContentType = "application/x-www-form-urlencoded";
            request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
        }
        if (cookie is not null)
        {
            request.Headers.Cookie = cookie;
        }
        return context;
    }

    private static ValueTask<ExtractedToken> Extract(HttpContext context, AcceptTokenAs accept = AcceptTokenAs.Header) =>
        BearerTokenExtractor.ExtractAsync(context.Request, accept, "PA.global", known: null, CancellationToken.None);

    [Theory]
    [InlineData("Bearer abc.def", "abc.def")]
    [InlineData("bearer abc", "abc")]
    [InlineData("BEARER  abc ", "abc")]
    public async Task The_authorization_header_yields_the_token(string header, string token)
    {
        var result = await Extract(Context(authorization: header));

        Assert.Equal(token, result.Token);
        Assert.Null(result.InvalidRequest);
    }

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Bearer a b")]
    public async Task A_malformed_bearer_header_is_invalid_request(string header)
    {
        var result = await Extract(Context(authorization: header));

        Assert.Null(result.Token);
        Assert.NotNull(result.InvalidRequest);
    }

    [Fact]
    public async Task Another_authorization_scheme_is_not_a_token()
    {
        var result = await Extract(Context(authorization: "Basic dXNlcjpwYXNz"));

        Assert.Equal(ExtractedToken.None, result);
    }

    [Fact]
    public async Task Two_authorization_headers_are_invalid_request()
    {
        var context = Context();
        context.Request.Headers.Authorization = new(["Bearer a", "Bearer b"]);

        var result = await Extract(context);

        Assert.NotNull(result.InvalidRequest);
    }

    [Fact]
    public async Task Locations_not_accepted_are_ignored()
    {
        var result = await Extract(Context(query: "access_token=q", cookie: "PA.global=c"));

        Assert.Equal(ExtractedToken.None, result);
    }

    [Theory]
    [InlineData(AcceptTokenAs.Query, "q")]
    [InlineData(AcceptTokenAs.Cookie, "c")]
    public async Task Each_opted_in_location_yields_its_token(AcceptTokenAs accept, string token)
    {
        var result = await Extract(Context(query: "access_token=q", cookie: "PA.global=c"), accept);

        Assert.Equal(token, result.Token);
    }

    [Fact]
    public async Task The_form_body_yields_the_token_when_accepted()
    {
        var result = await Extract(Context(form: "access_token=f&x=1"), AcceptTokenAs.Form);

        Assert.Equal("f", result.Token);
    }

    [Fact]
    public async Task The_basic_password_yields_the_token_when_accepted()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client:the-token"));

        var result = await Extract(Context(authorization: basic), AcceptTokenAs.Basic);

        Assert.Equal("the-token", result.Token);
    }

    [Theory]
    [InlineData("access_token=a&access_token=b", null)]
    [InlineData("access_token=", null)]
    [InlineData(null, "access_token=a&access_token=b")]
    public async Task A_repeated_or_empty_parameter_is_invalid_request(string? query, string? form)
    {
        var result = await Extract(Context(query: query, form: form), All);

        Assert.Null(result.Token);
        Assert.NotNull(result.InvalidRequest);
    }

    [Theory]
    [InlineData("Bearer h", "access_token=q", null, null)]
    [InlineData("Bearer h", null, "access_token=f", null)]
    [InlineData("Bearer h", null, null, "PA.global=c")]
    [InlineData(null, "access_token=q", "access_token=f", null)]
    public async Task A_token_in_two_places_is_invalid_request(string? authorization, string? query, string? form, string? cookie)
    {
        var result = await Extract(Context(authorization, query, form, cookie), All);

        Assert.Null(result.Token);
        Assert.Equal("the request carries the access token in more than one place", result.InvalidRequest);
    }

    [Fact]
    public async Task A_get_with_a_form_content_type_is_not_read_as_a_form()
    {
        var context = Context(form: "access_token=f");
        context.Request.Method = "GET";

        var result = await Extract(context, AcceptTokenAs.Form);

        Assert.Equal(ExtractedToken.None, result);
    }
}
