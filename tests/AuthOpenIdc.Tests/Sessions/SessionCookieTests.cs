using System.Text;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.Sessions;
using AuthOpenIdc.Tests.RelyingParty;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using HeaderSameSite = Microsoft.Net.Http.Headers.SameSiteMode;

namespace AuthOpenIdc.Tests.Sessions;

public class SessionCookieTests
{
    private const string SessionId = "Zm9vYmFyLXNlc3Npb24taWQtMzItYnl0ZXMtbG9uZw";

    private readonly EphemeralDataProtectionProvider _dataProtection = new();
    private readonly OidcSessionOptions _options = new();

    [Fact]
    public void Written_id_is_read_back()
    {
        var cookie = Create();
        var (name, value) = Write(cookie);

        Assert.Equal(OidcRelyingPartyDefaults.SessionCookieName, name);
        Assert.DoesNotContain(SessionId, value, StringComparison.Ordinal);
        Assert.Equal(SessionId, cookie.ReadId(Request(name, value)));
    }

    [Fact]
    public void Missing_cookie_reads_as_null()
    {
        Assert.Null(Create().ReadId(Request()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("not base64 !!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%00%01")]
    public void Garbage_cookie_reads_as_null(string value)
    {
        Assert.Null(Create().ReadId(Request(OidcRelyingPartyDefaults.SessionCookieName, value)));
    }

    [Fact]
    public void Oversized_cookie_is_not_even_decrypted()
    {
        var protector = new CountingProtector(_dataProtection.CreateProtector("session"));
        var cookie = new SessionCookie(_options, protector);
        var value = Base64UrlEncoder.Encode(new byte[800]); // 1067 characters

        Assert.Null(cookie.ReadId(Request(OidcRelyingPartyDefaults.SessionCookieName, value)));
        Assert.Equal(0, protector.Unprotects);
    }

    [Fact]
    public void Tampered_cookie_reads_as_null()
    {
        var cookie = Create();
        var (name, value) = Write(cookie);
        var chars = value.ToCharArray();
        chars[chars.Length / 2] = chars[chars.Length / 2] == 'A' ? 'g' : 'A';

        Assert.Null(cookie.ReadId(Request(name, new string(chars))));
    }

    [Fact]
    public void Cookie_of_another_scheme_reads_as_null()
    {
        var other = new SessionCookie(_options, _dataProtection.CreateProtector("another-scheme"));
        var (name, value) = Write(other);

        Assert.Null(Create().ReadId(Request(name, value)));
    }

    [Fact]
    public void Session_cookie_is_a_browser_session_cookie_with_the_configured_attributes()
    {
        _options.CookiePath = "/app";
        _options.CookieDomain = "example.com";
        _options.CookieSameSite = SameSiteMode.Strict;
        _options.CookieHttpOnly = true;

        var cookie = WriteHeader(Create(), "https");

        Assert.Null(cookie.MaxAge);
        Assert.Null(cookie.Expires);
        Assert.Equal("/app", cookie.Path.ToString());
        Assert.Equal("example.com", cookie.Domain.ToString());
        Assert.Equal(HeaderSameSite.Strict, cookie.SameSite);
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
    }

    [Fact]
    public void HttpOnly_can_be_turned_off()
    {
        _options.CookieHttpOnly = false;

        Assert.False(WriteHeader(Create(), "https").HttpOnly);
    }

    [Theory]
    [InlineData(CookieSecurePolicy.SameAsRequest, "https", true)]
    [InlineData(CookieSecurePolicy.SameAsRequest, "http", false)]
    [InlineData(CookieSecurePolicy.Always, "http", true)]
    [InlineData(CookieSecurePolicy.Always, "https", true)]
    [InlineData(CookieSecurePolicy.None, "https", false)]
    [InlineData(CookieSecurePolicy.None, "http", false)]
    public void Secure_follows_the_policy(CookieSecurePolicy policy, string scheme, bool secure)
    {
        _options.CookieSecurePolicy = policy;

        Assert.Equal(secure, WriteHeader(Create(), scheme).Secure);
    }

    [Theory]
    [InlineData(CookieSecurePolicy.None, "http")]
    [InlineData(CookieSecurePolicy.SameAsRequest, "http")]
    [InlineData(CookieSecurePolicy.Always, "https")]
    public void Host_prefix_forces_secure_path_slash_and_no_domain(CookieSecurePolicy policy, string scheme)
    {
        _options.CookieName = "__Host-session";
        _options.CookiePath = "/app";
        _options.CookieDomain = "example.com";
        _options.CookieSecurePolicy = policy;

        var cookie = WriteHeader(Create(), scheme);

        Assert.Equal("__Host-session", cookie.Name.ToString());
        Assert.True(cookie.Secure);
        Assert.Equal("/", cookie.Path.ToString());
        Assert.Equal(0, cookie.Domain.Length);
    }

    [Fact]
    public void Secure_prefix_forces_secure_but_keeps_path_and_domain()
    {
        _options.CookieName = "__Secure-session";
        _options.CookiePath = "/app";
        _options.CookieDomain = "example.com";
        _options.CookieSecurePolicy = CookieSecurePolicy.None;

        var cookie = WriteHeader(Create(), "http");

        Assert.True(cookie.Secure);
        Assert.Equal("/app", cookie.Path.ToString());
        Assert.Equal("example.com", cookie.Domain.ToString());
    }

    [Fact]
    public void Delete_expires_the_cookie_with_the_same_attributes()
    {
        _options.CookieName = "__Host-session";
        var context = Context("https");

        Create().Delete(context);

        var cookie = SetCookies.Named(context.Response, "__Host-session");
        Assert.True(SetCookies.IsDeletion(cookie), cookie.ToString());
        Assert.True(cookie.Secure);
        Assert.Equal("/", cookie.Path.ToString());
    }

    [Fact]
    public void Random_cookie_values_never_throw()
    {
        var cookie = Create();
        var random = new Random(4242);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.%";
        for (var i = 0; i < 2_000; i++)
        {
            var value = new StringBuilder();
            var length = random.Next(0, 300);
            for (var j = 0; j < length; j++)
            {
                value.Append(alphabet[random.Next(alphabet.Length)]);
            }
            Assert.Null(cookie.ReadId(Request(OidcRelyingPartyDefaults.SessionCookieName, value.ToString())));
        }
    }

    private SessionCookie Create() => new(_options, _dataProtection.CreateProtector("AuthOpenIdc.RelyingParty", "test", "session-id.v1"));

    private (string Name, string Value) Write(SessionCookie cookie)
    {
        var header = WriteHeader(cookie, "https");
        return (header.Name.ToString(), header.Value.ToString());
    }

    private Microsoft.Net.Http.Headers.SetCookieHeaderValue WriteHeader(SessionCookie cookie, string scheme)
    {
        var context = Context(scheme);
        cookie.Write(context, SessionId, new OidcSession { Issuer = "https://op.example.com", Subject = "alice", RemoteUser = "alice", LastActivityAt = 1_000, ExpiresAt = 2_000 });
        return SetCookies.Named(context.Response, _options.CookieName);
    }

    private static DefaultHttpContext Context(string scheme)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString("app.example.com");
        return context;
    }

    private static HttpRequest Request(string? name = null, string? value = null)
    {
        var request = Context("https").Request;
        if (name is not null)
        {
            request.Headers.Cookie = $"{name}={value}";
        }
        return request;
    }

    private sealed class CountingProtector(IDataProtector inner) : IDataProtector
    {
        public int Unprotects { get; private set; }

        public IDataProtector CreateProtector(string purpose) => inner.CreateProtector(purpose);

        public byte[] Protect(byte[] plaintext) => inner.Protect(plaintext);

        public byte[] Unprotect(byte[] protectedData)
        {
            Unprotects++;
            return inner.Unprotect(protectedData);
        }
    }
}
