using AuthOpenIdc.ResourceServer;

namespace AuthOpenIdc.Tests.ResourceServer;

public class ResultCachePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static long In(int seconds) => Now.AddSeconds(seconds).ToUnixTimeSeconds();

    [Fact]
    public void Zero_interval_caches_until_the_token_expires()
    {
        Assert.Equal(Now.AddSeconds(3600), ResultCachePolicy.ValidUntil(Now, In(3600), TimeSpan.Zero));
    }

    [Fact]
    public void A_positive_interval_caps_the_lifetime()
    {
        Assert.Equal(Now.AddSeconds(30), ResultCachePolicy.ValidUntil(Now, In(3600), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void The_token_expiry_caps_a_longer_interval()
    {
        Assert.Equal(Now.AddSeconds(10), ResultCachePolicy.ValidUntil(Now, In(10), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_negative_interval_turns_caching_off()
    {
        Assert.Null(ResultCachePolicy.ValidUntil(Now, In(3600), TimeSpan.FromSeconds(-1)));
        Assert.Null(ResultCachePolicy.InvalidUntil(Now, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void An_expired_token_is_not_cached()
    {
        Assert.Null(ResultCachePolicy.ValidUntil(Now, In(0), TimeSpan.Zero));
        Assert.Null(ResultCachePolicy.ValidUntil(Now, In(-5), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Without_an_expiry_the_default_or_the_interval_applies()
    {
        Assert.Equal(Now + ResultCachePolicy.UnknownExpiryLifetime, ResultCachePolicy.ValidUntil(Now, 0, TimeSpan.Zero));
        Assert.Equal(Now.AddSeconds(20), ResultCachePolicy.ValidUntil(Now, 0, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void Refused_results_are_kept_for_the_negative_interval_unless_it_is_zero()
    {
        Assert.Equal(Now.AddSeconds(10), ResultCachePolicy.InvalidUntil(Now, TimeSpan.Zero, TimeSpan.FromSeconds(10)));
        Assert.Null(ResultCachePolicy.InvalidUntil(Now, TimeSpan.Zero, TimeSpan.Zero));
    }
}
