namespace AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

/// <summary>A clock the test moves (the RP reads time only through TimeProvider).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
