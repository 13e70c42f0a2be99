namespace AuthOpenIdc.Tests.Caching;

/// <summary>A clock that moves only when a test says so (shared by the cache, state, session and protocol tests).</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    /// <summary>A fixed start, well in the future so that real-clock backends never see a past expiry.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2040, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _now = start ?? DefaultStart;
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public long UnixNow => _now.ToUnixTimeSeconds();

    public void Advance(TimeSpan by) => _now += by;

    public void Set(DateTimeOffset now) => _now = now;
}
