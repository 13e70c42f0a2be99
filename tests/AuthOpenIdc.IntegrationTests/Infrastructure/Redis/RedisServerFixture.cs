namespace AuthOpenIdc.IntegrationTests.Infrastructure.Redis;

/// <summary>
/// An xunit class or collection fixture holding one shared <see cref="RedisServer"/>. Tests that stop or kill the server
/// should start their own instead (or restart this one before they finish), and tests that need an empty database call
/// <see cref="RedisRawClient.FlushAsync"/>.
/// </summary>
public class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The running server.</summary>
    public RedisServer Server =>
        _server ?? throw new InvalidOperationException("The RedisServerFixture has not been initialized.");

    /// <summary>Shortcut for <see cref="RedisServer.ConnectionString"/>.</summary>
    public string ConnectionString => Server.ConnectionString;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }
}

/// <summary>The xunit collection <c>"redis"</c>: test classes in it share one <see cref="RedisServerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    /// <summary>The collection name, <c>"redis"</c>.</summary>
    public const string Name = "redis";
}
