using AuthOpenIdc.Protocol;

namespace AuthOpenIdc.Tests.Protocol;

public class TokenResponseTests
{
    private const long TenYears = 3650L * 24 * 3600;

    [Fact]
    public void Fields_are_read_from_the_json_object()
    {
        var response = TokenResponse.Parse("""
            {"access_token":"at","token_type":"Bearer","expires_in":3600,"id_token":"idt","refresh_token":"rt","scope":"openid email","extra":1}
            """);

        Assert.Equal("at", response.AccessToken);
        Assert.Equal("Bearer", response.TokenType);
        Assert.Equal(3600, response.ExpiresIn);
        Assert.Equal("idt", response.IdToken);
        Assert.Equal("rt", response.RefreshToken);
        Assert.Equal("openid email", response.Scope);
        Assert.Equal(1, response.Raw.GetProperty("extra").GetInt32());
    }

    [Fact]
    public void Missing_or_non_string_fields_are_null()
    {
        var response = TokenResponse.Parse("""{"access_token":42,"id_token":null,"scope":["openid"]}""");

        Assert.Null(response.AccessToken);
        Assert.Null(response.IdToken);
        Assert.Null(response.Scope);
        Assert.Null(response.TokenType);
        Assert.Null(response.RefreshToken);
        Assert.Null(response.ExpiresIn);
    }

    [Theory]
    [InlineData("3600", 3600L)]
    [InlineData("\"3600\"", 3600L)]
    [InlineData("3600.9", 3600L)]
    [InlineData("\"3600.9\"", 3600L)]
    [InlineData("\"1e3\"", 1000L)]
    [InlineData("1", 1L)]
    [InlineData("0", 0L)]
    [InlineData("-5", 0L)]
    [InlineData("\"-5\"", 0L)]
    [InlineData("-1e300", 0L)]
    [InlineData("315360000", TenYears)]
    [InlineData("315360001", TenYears)]
    [InlineData("9223372036854775807", TenYears)]
    [InlineData("1e300", TenYears)]
    [InlineData("\"1e300\"", TenYears)]
    [InlineData("\"Infinity\"", TenYears)]
    [InlineData("\"NaN\"", 0L)]
    [InlineData("1e400", TenYears)]
    [InlineData("\"1e400\"", TenYears)]
    public void Expires_in_accepts_numbers_and_numeric_strings_and_saturates(string json, long expected)
    {
        Assert.Equal(expected, TokenResponse.Parse($$"""{"expires_in":{{json}}}""").ExpiresIn);
    }

    [Theory]
    [InlineData("\"soon\"")]
    [InlineData("\"\"")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[3600]")]
    public void Unreadable_expires_in_is_null(string json)
    {
        Assert.Null(TokenResponse.Parse($$"""{"expires_in":{{json}}}""").ExpiresIn);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"access_token\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void Non_object_response_throws(string body)
    {
        var ex = Assert.Throws<OidcProtocolException>(() => TokenResponse.Parse(body));

        Assert.Equal(OidcErrorCodes.ProviderUnavailable, ex.Error.Code);
        Assert.Contains("not a JSON object", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("{\"access_token\":")]
    [InlineData("access_token=at&token_type=bearer")]
    public void Non_json_response_throws(string body)
    {
        var ex = Assert.Throws<OidcProtocolException>(() => TokenResponse.Parse(body));

        Assert.Equal(OidcErrorCodes.ProviderUnavailable, ex.Error.Code);
        Assert.Contains("not JSON", ex.Message, StringComparison.Ordinal);
    }
}
