using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.Sessions;
using AuthOpenIdc.Tests.Caching;

namespace AuthOpenIdc.Tests.Sessions;

public class SessionLifetimeTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly OidcSessionOptions _options = new() { InactivityTimeout = TimeSpan.FromSeconds(300), MaxDuration = TimeSpan.FromHours(8) };

    [Fact]
    public void Fresh_session_is_not_expired()
    {
        Assert.False(SessionLifetime.IsExpired(Session(), _options, _time));
    }

    [Fact]
    public void Session_expires_when_the_inactivity_timeout_is_reached()
    {
        var session = Session();

        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.False(SessionLifetime.IsExpired(session, _options, _time));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(SessionLifetime.IsExpired(session, _options, _time));
    }

    [Fact]
    public void Activity_moves_the_inactivity_deadline()
    {
        var session = Session();

        _time.Advance(TimeSpan.FromSeconds(200));
        session.LastActivityAt = _time.UnixNow;
        _time.Advance(TimeSpan.FromSeconds(200));

        Assert.False(SessionLifetime.IsExpired(session, _options, _time));
    }

    [Fact]
    public void Session_expires_at_the_absolute_maximum_however_active()
    {
        var session = Session();
        var end = _time.GetUtcNow() + _options.MaxDuration;

        _time.Set(end.AddSeconds(-1));
        session.LastActivityAt = _time.UnixNow;
        Assert.False(SessionLifetime.IsExpired(session, _options, _time));

        _time.Set(end);
        session.LastActivityAt = _time.UnixNow;
        Assert.True(SessionLifetime.IsExpired(session, _options, _time));
    }

    [Fact]
    public void A_shorter_inactivity_timeout_applies_to_stored_sessions_at_once()
    {
        var session = Session();
        _time.Advance(TimeSpan.FromSeconds(61));

        _options.InactivityTimeout = TimeSpan.FromSeconds(60);

        Assert.True(SessionLifetime.IsExpired(session, _options, _time));
    }

    [Fact]
    public void Stored_expiry_is_the_earlier_of_inactivity_and_maximum()
    {
        var session = Session();
        var start = _time.GetUtcNow();

        Assert.Equal(start.AddSeconds(300), SessionLifetime.ExpiresAt(session, _options));

        session.LastActivityAt = session.ExpiresAt - 100;
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(session.ExpiresAt), SessionLifetime.ExpiresAt(session, _options));
    }

    [Theory]
    [InlineData(300, 29, false)]
    [InlineData(300, 30, true)]
    [InlineData(3600, 59, false)]
    [InlineData(3600, 60, true)]
    [InlineData(86400, 60, true)]
    [InlineData(100, 9, false)]
    [InlineData(100, 10, true)]
    [InlineData(5, 0, false)]
    [InlineData(5, 1, true)]
    [InlineData(1, 1, true)]
    public void Activity_is_written_at_most_once_per_tenth_of_the_timeout_and_at_least_every_minute(int timeoutSeconds, int sinceLastWrite, bool expected)
    {
        _options.InactivityTimeout = TimeSpan.FromSeconds(timeoutSeconds);
        var session = Session();

        Assert.Equal(expected, SessionLifetime.ShouldSlide(session, _options, session.LastActivityAt + sinceLastWrite));
    }

    [Fact]
    public void Clock_going_backwards_does_not_trigger_a_write()
    {
        var session = Session();

        Assert.False(SessionLifetime.ShouldSlide(session, _options, session.LastActivityAt - 3600));
    }

    private OidcSession Session()
    {
        var now = _time.UnixNow;
        return new OidcSession
        {
            Issuer = "https://op.example.com",
            Subject = "alice",
            RemoteUser = "alice",
            CreatedAt = now,
            LastActivityAt = now,
            ExpiresAt = now + (long)_options.MaxDuration.TotalSeconds,
        };
    }
}
