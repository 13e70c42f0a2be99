using System.Collections.Concurrent;
using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthOpenIdc.Tests.ResourceServer;

public class RegistrationTests
{
    private static (ServiceProvider Services, ConcurrentQueue<(int Id, string Message)> Logs) Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new ConcurrentQueue<(int, string)>();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(new Provider(logs)));
        services.AddAuthentication().AddOAuthResourceServer(configuration.GetSection(OAuthResourceServerDefaults.ConfigurationSection));
        return (services.BuildServiceProvider(), logs);
    }

    [Fact]
    public async Task Options_bind_from_configuration_and_the_scheme_and_handlers_are_registered()
    {
        var (services, logs) = Build(new()
        {
            ["AuthOpenIdc:ResourceServer:Issuer"] = "https://as.example",
            ["AuthOpenIdc:ResourceServer:Audiences:0"] = "urn:api",
            ["AuthOpenIdc:ResourceServer:AcceptTokenAs"] = "Header, Cookie",
            ["AuthOpenIdc:ResourceServer:CacheInterval"] = "-1",
            ["AuthOpenIdc:ResourceServer:ValidAlgorithms:0"] = "ES256",
        });
        await using var _ = services;

        var options = services.GetRequiredService<IOptionsMonitor<OAuthResourceServerOptions>>().Get(OAuthResourceServerDefaults.AuthenticationScheme);
        var scheme = await services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(OAuthResourceServerDefaults.AuthenticationScheme);

        Assert.Equal(AcceptTokenAs.Header | AcceptTokenAs.Cookie, options.AcceptTokenAs);
        Assert.True(options.CacheInterval < TimeSpan.Zero);
        Assert.Equal(["ES256"], options.ValidAlgorithms);
        Assert.Equal(["urn:api"], options.Audiences);
        Assert.NotNull(scheme);
        Assert.Contains(services.GetServices<IAuthorizationHandler>(), h => h.GetType().Name == "ScopeRequirementHandler");
        Assert.DoesNotContain(logs, l => l.Id == 5003);
    }

    [Fact]
    public void No_audience_logs_the_startup_warning_naming_the_key()
    {
        var (services, logs) = Build(new() { ["AuthOpenIdc:ResourceServer:Issuer"] = "https://as.example" });
        using var _ = services;

        services.GetRequiredService<IOptionsMonitor<OAuthResourceServerOptions>>().Get(OAuthResourceServerDefaults.AuthenticationScheme);

        var warning = Assert.Single(logs, l => l.Id == 5003);
        Assert.Contains("AuthOpenIdc:ResourceServer:Audiences", warning.Message, StringComparison.Ordinal);
        Assert.Contains("OIDCOAuthVerifyAudience", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_configuration_fails_with_the_key_and_directive()
    {
        var (services, _) = Build(new() { ["AuthOpenIdc:ResourceServer:Validation"] = "Introspection", ["AuthOpenIdc:ResourceServer:Issuer"] = "https://as.example" });
        using var __ = services;

        var error = Assert.Throws<OptionsValidationException>(() =>
            services.GetRequiredService<IOptionsMonitor<OAuthResourceServerOptions>>().Get(OAuthResourceServerDefaults.AuthenticationScheme));

        Assert.Contains("AuthOpenIdc:ResourceServer:ClientId is required for introspection (OIDCOAuthClientID)", error.Failures);
    }

    private sealed class Provider(ConcurrentQueue<(int, string)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(logs);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(ConcurrentQueue<(int, string)> logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Enqueue((eventId.Id, formatter(state, exception)));
    }
}
