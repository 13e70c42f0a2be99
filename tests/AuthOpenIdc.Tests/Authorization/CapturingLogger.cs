using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Tests.Authorization;

/// <summary>Records log entries so tests can assert event ids and that no secret reaches a message.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public List<(EventId EventId, LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((eventId, logLevel, formatter(state, exception)));
}
