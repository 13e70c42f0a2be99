namespace AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;

/// <summary>
/// An xunit class or collection fixture holding one shared <see cref="NodeOidcProvider"/>. Derive from it and override
/// <see cref="ProviderEnvironment"/> to start the OP with extra settings (e.g. extra clients).
/// </summary>
public class NodeOidcProviderFixture : IAsyncLifetime
{
    private NodeOidcProvider? _provider;

    /// <summary>The running OP.</summary>
    public NodeOidcProvider Provider =>
        _provider ?? throw new InvalidOperationException("The NodeOidcProviderFixture has not been initialized.");

    /// <summary>Shortcut for <see cref="NodeOidcProvider.Issuer"/>.</summary>
    public Uri Issuer => Provider.Issuer;

    /// <summary>Extra environment variables for the OP; none by default.</summary>
    protected virtual IDictionary<string, string>? ProviderEnvironment => null;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _provider = await NodeOidcProvider.StartAsync(ProviderEnvironment);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
            _provider = null;
        }
    }
}

/// <summary>The xunit collection <c>"node-op"</c>: test classes in it share one <see cref="NodeOidcProviderFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class NodeOidcProviderCollection : ICollectionFixture<NodeOidcProviderFixture>
{
    /// <summary>The collection name, <c>"node-op"</c>.</summary>
    public const string Name = "node-op";
}
