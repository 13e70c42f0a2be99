using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.Sessions;
using AuthOpenIdc.Tests.Caching;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using HeaderSameSite = Microsoft.Net.Http.Headers.SameSiteMode;

namespace AuthOpenIdc.Tests.RelyingParty;

public class StateCookiesTests
{
    private const string Prefix = OidcRelyingPartyDefaults.StateCookiePrefix;

    private readonly ManualTimeProvider _time = new();
    private readonly EphemeralDataProtectionProvider _dataProtection = new();
    private readonly OidcRelyingPartyOptions _options = new();

    [Fact]
    public void Written_state_is_taken_back_intact()
    {
        var cookies = Create();
        var written = State("st-1");

        var cookie = Write(cookies, written);
        var next = Context(cookie);
        var taken = cookies.Take(next, "st-1");

        Assert.NotNull(taken);
        Assert.Equal(written.State, taken.State);
        Assert.Equal(written.Nonce, taken.Nonce);
        Assert.Equal(written.CodeVerifier, taken.CodeVerifier);
        Assert.Equal(written.ReturnUrl, taken.ReturnUrl);
        Assert.Equal(written.Method, taken.Method);
        Assert.Equal(written.CreatedAt, taken.CreatedAt);
        Assert.Equal(written.ResponseMode, taken.ResponseMode);
        Assert.Equal(written.MaxAgeRequested, taken.MaxAgeRequested);
        Assert.Equal(written.RedirectUri, taken.RedirectUri);
    }

    [Fact]
    public void Written_cookie_is_named_after_the_state_and_carries_no_plaintext()
    {
        var cookie = Write(Create(), State("st-1"));

        Assert.Equal(Prefix + "st-1", cookie.Key);
        Assert.DoesNotContain("nonce-of-st-1", cookie.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("verifier", cookie.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Take_deletes_the_cookie()
    {
        var cookies = Create();
        var next = Context(Write(cookies, State("st-1")));

        cookies.Take(next, "st-1");

        var deletion = SetCookies.Named(next.Response, Prefix + "st-1");
        Assert.True(SetCookies.IsDeletion(deletion), deletion.ToString());
    }

    [Fact]
    public void Take_without_a_cookie_returns_null_and_writes_nothing()
    {
        var context = Context();

        Assert.Null(Create().Take(context, "st-1"));
        Assert.Empty(SetCookies.Of(context.Response));
    }

    [Fact]
    public void Take_of_another_state_ignores_the_cookie()
    {
        var cookies = Create();
        var next = Context(Write(cookies, State("st-1")));

        Assert.Null(cookies.Take(next, "st-2"));
        Assert.Empty(SetCookies.Of(next.Response));
    }

    public static TheoryData<string> Tampering() => ["flip-first", "flip-middle", "flip-last", "truncate", "append"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public void Tampered_cookie_is_null_and_still_deleted(string how)
    {
        var cookies = Create();
        var (name, value) = Write(cookies, State("st-1"));
        var tampered = how switch
        {
            "flip-first" => Flip(value, 0),
            "flip-middle" => Flip(value, value.Length / 2),
            "flip-last" => Flip(value, value.Length - 1),
            "truncate" => value[..^4],
            _ => value + "AAAA",
        };
        var next = Context(Cookie(name, tampered));

        Assert.Null(cookies.Take(next, "st-1"));
        Assert.True(SetCookies.IsDeletion(SetCookies.Named(next.Response, name)));
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("e30")]
    [InlineData("%%%")]
    public void Garbage_cookie_is_null(string value)
    {
        var next = Context(Cookie(Prefix + "st-1", value));

        Assert.Null(Create().Take(next, "st-1"));
    }

    [Fact]
    public void Oversized_cookie_is_null()
    {
        var next = Context(Cookie(Prefix + "st-1", new string('A', 4097)));

        Assert.Null(Create().Take(next, "st-1"));
    }

    [Fact]
    public void Cookie_protected_for_another_purpose_is_null()
    {
        var other = new StateCookies(_options, _dataProtection.CreateProtector("another-scheme"), SessionCookie(), _time);
        var next = Context(Write(other, State("st-1")));

        Assert.Null(Create().Take(next, "st-1"));
    }

    [Fact]
    public void Written_cookie_has_max_age_of_the_state_timeout()
    {
        _options.State.Timeout = TimeSpan.FromSeconds(123);
        var context = Context();

        Create().Write(context, State("st-1"));

        var cookie = SetCookies.Named(context.Response, Prefix + "st-1");
        Assert.Equal(TimeSpan.FromSeconds(123), cookie.MaxAge);
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal("/", cookie.Path.ToString());
    }

    [Fact]
    public void Deleted_cookies_carry_no_max_age()
    {
        var cookies = Create();
        var next = Context(Cookie(Prefix + "junk", "garbage"));

        cookies.MakeRoom(next);

        var deletion = SetCookies.Named(next.Response, Prefix + "junk");
        Assert.Null(deletion.MaxAge);
        Assert.True(SetCookies.IsDeletion(deletion));
    }

    [Theory]
    [InlineData(AuthorizationResponseMode.FormPost, "https", HeaderSameSite.None, true)]
    [InlineData(AuthorizationResponseMode.FormPost, "http", HeaderSameSite.Lax, false)]
    [InlineData(AuthorizationResponseMode.Query, "https", HeaderSameSite.Lax, true)]
    [InlineData(AuthorizationResponseMode.Query, "http", HeaderSameSite.Lax, false)]
    public void SameSite_is_None_only_for_form_post_over_https(AuthorizationResponseMode mode, string scheme, HeaderSameSite expected, bool secure)
    {
        var context = ContextOver(scheme);
        var state = State("st-1");
        state.ResponseMode = mode;

        Create().Write(context, state);

        var cookie = SetCookies.Named(context.Response, Prefix + "st-1");
        Assert.Equal(expected, cookie.SameSite);
        Assert.Equal(secure, cookie.Secure);
    }

    [Fact]
    public void Deleting_a_form_post_state_cookie_uses_SameSite_None_too()
    {
        _options.ResponseMode = AuthorizationResponseMode.FormPost;
        var next = Context(Cookie(Prefix + "junk", "garbage"));

        Create().MakeRoom(next);

        Assert.Equal(HeaderSameSite.None, SetCookies.Named(next.Response, Prefix + "junk").SameSite);
    }

    [Fact]
    public void MakeRoom_purges_expired_and_unreadable_cookies_and_keeps_the_rest()
    {
        var cookies = Create();
        var expired = Write(cookies, State("old"));
        _time.Advance(_options.State.Timeout + TimeSpan.FromSeconds(1));
        var live = Write(cookies, State("new"));
        var next = Context(expired, live, Cookie(Prefix + "garbage", "xyz"), Cookie("unrelated", "keep-me"));

        Assert.True(cookies.MakeRoom(next));

        Assert.Equal([Prefix + "garbage", Prefix + "old"], SetCookies.DeletedNames(next.Response).Order());
    }

    [Fact]
    public void State_is_expired_only_after_the_timeout()
    {
        var cookies = Create();
        var state = State("st-1");

        _time.Advance(_options.State.Timeout);
        Assert.False(cookies.IsExpired(state));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cookies.IsExpired(state));
    }

    [Fact]
    public void MakeRoom_below_the_limit_returns_true_and_deletes_nothing()
    {
        _options.State.MaxCookies = 3;
        var cookies = Create();
        var next = Context(Write(cookies, State("a")), Write(cookies, State("b")));

        Assert.True(cookies.MakeRoom(next));
        Assert.Empty(SetCookies.Of(next.Response));
    }

    [Fact]
    public void MakeRoom_at_the_limit_returns_false_and_keeps_the_cookies()
    {
        _options.State.MaxCookies = 3;
        var cookies = Create();
        var next = Context(WriteMany(cookies, 3));

        Assert.False(cookies.MakeRoom(next));
        Assert.Empty(SetCookies.Of(next.Response));
    }

    [Fact]
    public void MakeRoom_at_the_limit_deletes_the_oldest_when_configured()
    {
        _options.State.MaxCookies = 3;
        _options.State.DeleteOldestCookie = true;
        var cookies = Create();
        var written = WriteMany(cookies, 3); // st-0 oldest ... st-2 newest, written in shuffled order below
        var next = Context(written[2], written[0], written[1]);

        Assert.True(cookies.MakeRoom(next));
        Assert.Equal([Prefix + "st-0"], SetCookies.DeletedNames(next.Response));
    }

    [Fact]
    public void MakeRoom_over_the_limit_deletes_enough_of_the_oldest_for_one_more()
    {
        _options.State.MaxCookies = 2;
        _options.State.DeleteOldestCookie = true;
        var cookies = Create();
        var next = Context(WriteMany(cookies, 4));

        Assert.True(cookies.MakeRoom(next));
        Assert.Equal([Prefix + "st-0", Prefix + "st-1", Prefix + "st-2"], SetCookies.DeletedNames(next.Response).Order());
    }

    [Fact]
    public void MakeRoom_with_no_limit_always_returns_true()
    {
        _options.State.MaxCookies = 0;
        var cookies = Create();
        var next = Context(WriteMany(cookies, 20));

        Assert.True(cookies.MakeRoom(next));
        Assert.Empty(SetCookies.Of(next.Response));
    }

    [Fact]
    public void MakeRoom_examines_at_most_64_cookies_and_deletes_the_rest_unread()
    {
        _options.State.MaxCookies = 0;
        var cookies = Create();
        var next = Context(WriteMany(cookies, 70));

        Assert.True(cookies.MakeRoom(next));
        Assert.Equal(6, SetCookies.DeletedNames(next.Response).Count());
    }

    [Fact]
    public void Host_prefixed_state_cookie_is_secure_with_path_slash_and_no_domain()
    {
        _options.State.CookiePrefix = "__Host-st_";
        _options.Session.CookieDomain = "example.com";
        _options.Session.CookiePath = "/app";
        _options.Session.CookieSecurePolicy = CookieSecurePolicy.None;
        var context = ContextOver("http");

        Create().Write(context, State("st-1"));

        var cookie = SetCookies.Named(context.Response, "__Host-st_st-1");
        Assert.True(cookie.Secure);
        Assert.Equal("/", cookie.Path.ToString());
        Assert.Equal(0, cookie.Domain.Length);
    }

    [Fact]
    public void State_cookie_follows_the_session_path_and_domain()
    {
        _options.Session.CookieDomain = "example.com";
        _options.Session.CookiePath = "/app";
        var context = Context();

        Create().Write(context, State("st-1"));

        var cookie = SetCookies.Named(context.Response, Prefix + "st-1");
        Assert.Equal("/app", cookie.Path.ToString());
        Assert.Equal("example.com", cookie.Domain.ToString());
    }

    private StateCookies Create() =>
        new(_options, _dataProtection.CreateProtector("AuthOpenIdc.RelyingParty", "test", "state.v1"), SessionCookie(), _time);

    private SessionCookie SessionCookie() => new(_options.Session, _dataProtection.CreateProtector("session"));

    private StateData State(string state) => new()
    {
        State = state,
        Nonce = "nonce-of-" + state,
        CodeVerifier = "verifier-of-" + state,
        ReturnUrl = "/return?x=1",
        Method = "POST",
        CreatedAt = _time.UnixNow,
        ResponseMode = AuthorizationResponseMode.Query,
        MaxAgeRequested = true,
        RedirectUri = "https://app.example.com/oidc/callback",
    };

    private static KeyValuePair<string, string> Write(StateCookies cookies, StateData state)
    {
        var context = Context();
        cookies.Write(context, state);
        return SetCookies.AsRequestCookie(SetCookies.Named(context.Response, OidcRelyingPartyDefaults.StateCookiePrefix + state.State));
    }

    /// <summary>Writes st-0 ... st-(n-1), one second apart, oldest first.</summary>
    private KeyValuePair<string, string>[] WriteMany(StateCookies cookies, int count)
    {
        var written = new KeyValuePair<string, string>[count];
        for (var i = 0; i < count; i++)
        {
            written[i] = Write(cookies, State("st-" + i));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        return written;
    }

    private static DefaultHttpContext Context(params KeyValuePair<string, string>[] cookies) => ContextOver("https", cookies);

    private static DefaultHttpContext ContextOver(string scheme, params KeyValuePair<string, string>[] cookies)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString("app.example.com");
        if (cookies.Length > 0)
        {
            SetCookies.Send(context.Request, cookies);
        }
        return context;
    }

    private static KeyValuePair<string, string> Cookie(string name, string value) => new(name, value);

    private static string Flip(string value, int index)
    {
        // 'A' is 0 and 'g' is 32 in base64url: the swap always changes a bit that carries data, even in the last character.
        var chars = value.ToCharArray();
        chars[index] = chars[index] == 'A' ? 'g' : 'A';
        return new string(chars);
    }
}
