using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.Rp;

/// <summary>Keeps every formatted log line (with exception messages) so tests can assert on them and scan them for tokens.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines;

    public CapturingLoggerProvider(ConcurrentQueue<string> lines)
    {
        _lines = lines;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lines.Enqueue($"{logLevel} {category}[{eventId.Id}:{eventId.Name}] {formatter(state, exception)} {exception}");
        }
    }
}
