using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using AuthOpenIdc.RelyingParty;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace AuthOpenIdc.Tests;

/// <summary>Rules the whole library keeps, checked by reflection (style anchors 6 and 10).</summary>
public partial class ConventionTests
{
    internal static readonly Assembly Library = typeof(OidcRelyingPartyOptions).Assembly;

    /// <summary>Public classes designed for inheritance; every other public concrete class is sealed.</summary>
    private static readonly string[] UnsealedByDesign =
    [
        "AuthOpenIdc.RelyingParty.OidcRelyingPartyEvents", // derive and override, registered as EventsType
    ];

    /// <summary>
    /// The event id range each log class owns. This table is the single source: the test prints it as the
    /// table for docs/diagnostics.md, and a new log class fails until it gets a range here.
    /// </summary>
    private static readonly (string LogClass, string Capability, int First, int Last)[] EventIdRanges =
    [
        ("AuthOpenIdc.RelyingParty.RelyingPartyLog", "RelyingParty", 1000, 1099),
        ("AuthOpenIdc.Protocol.ProtocolLog", "Protocol", 2000, 2099),
        ("AuthOpenIdc.Caching.CachingLog", "Caching", 4000, 4099),
        ("AuthOpenIdc.Authorization.AuthorizationLog", "Authorization", 7000, 7099),
        ("AuthOpenIdc.HeaderPassThrough.ClaimHeadersLog", "HeaderPassThrough", 7100, 7199),
    ];

    /// <summary>Placeholder names that would put a secret into a log line.</summary>
    private static readonly string[] SecretPlaceholders =
    [
        "Token", "AccessToken", "IdToken", "RefreshToken", "LogoutToken", "Code", "Secret", "ClientSecret", "Cookie", "Password",
    ];

    private readonly ITestOutputHelper _output;

    public ConventionTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Public_concrete_classes_are_sealed_unless_designed_for_inheritance()
    {
        var unsealed = Library.GetTypes()
            .Where(t => t.IsClass && (t.IsPublic || t.IsNestedPublic) && !t.IsAbstract && !t.IsSealed)
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(UnsealedByDesign.Order(StringComparer.Ordinal), unsealed);
    }

    [Fact]
    public void Types_in_Internal_namespaces_are_not_public()
    {
        var exposed = Library.GetExportedTypes().Where(t => t.Namespace?.Split('.').Contains("Internal") == true).Select(t => t.FullName);

        Assert.Empty(exposed);
    }

    [Fact]
    public void Every_logger_message_has_an_explicit_unique_event_id_and_name()
    {
        var messages = LoggerMessages().ToList();

        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.True(m.Attribute.EventId > 0, $"{m.Method} has no explicit event id"));
        Assert.All(messages, m => Assert.False(string.IsNullOrEmpty(m.Attribute.EventName), $"{m.Method} has no EventName"));
        var duplicateIds = messages.GroupBy(m => m.Attribute.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");
        Assert.Empty(duplicateIds);
        var duplicateNames = messages.GroupBy(m => m.Attribute.EventName).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(duplicateNames);
    }

    [Fact]
    public void Each_log_class_uses_only_its_documented_event_id_range()
    {
        PrintEventIdTable();
        var ranges = EventIdRanges.ToDictionary(r => r.LogClass, StringComparer.Ordinal);
        var messages = LoggerMessages().ToList();

        var unregistered = messages.Select(m => m.LogClass).Distinct().Where(c => !ranges.ContainsKey(c));
        Assert.Empty(unregistered);
        var outOfRange = messages
            .Where(m => m.Attribute.EventId < ranges[m.LogClass].First || m.Attribute.EventId > ranges[m.LogClass].Last)
            .Select(m => $"{m.Method} uses {m.Attribute.EventId}, outside {ranges[m.LogClass].First}-{ranges[m.LogClass].Last}");
        Assert.Empty(outOfRange);
        var stale = EventIdRanges.Select(r => r.LogClass).Where(c => !messages.Any(m => m.LogClass == c));
        Assert.Empty(stale);
    }

    [Fact]
    public void Event_id_ranges_do_not_overlap()
    {
        var sorted = EventIdRanges.OrderBy(r => r.First).ToList();

        for (var i = 1; i < sorted.Count; i++)
        {
            Assert.True(sorted[i].First > sorted[i - 1].Last, $"{sorted[i - 1].LogClass} and {sorted[i].LogClass} overlap");
        }
    }

    [Fact]
    public void No_log_message_has_a_placeholder_named_like_a_secret()
    {
        var offending = LoggerMessages()
            .SelectMany(m => Placeholders(m.Attribute.Message).Where(IsSecretName).Select(p => $"{m.Method}: {{{p}}} in \"{m.Attribute.Message}\""));

        Assert.Empty(offending);
    }

    [Theory]
    [InlineData("The {Token} was refused.", true)]
    [InlineData("The {idtoken} was refused.", true)]
    [InlineData("Cookie {COOKIE,10} set.", true)]
    [InlineData("Got {code:x}.", true)]
    [InlineData("Token type {TokenType}, error {ErrorCode}, count {CookieCount}.", false)]
    [InlineData("Literal {{Token}} is escaped.", false)]
    [InlineData("No placeholders at all.", false)]
    public void Secret_placeholder_check_matches_whole_names_only(string template, bool flagged)
    {
        Assert.Equal(flagged, Placeholders(template).Any(IsSecretName));
    }

    private void PrintEventIdTable()
    {
        var table = new StringBuilder();
        table.AppendLine("| Event ids | Capability | Log class |");
        table.AppendLine("|-----------|------------|-----------|");
        foreach (var (logClass, capability, first, last) in EventIdRanges.OrderBy(r => r.First))
        {
            table.AppendLine($"| {first}-{last} | {capability} | `{logClass}` |");
        }
        _output.WriteLine(table.ToString());
    }

    private static bool IsSecretName(string placeholder) =>
        SecretPlaceholders.Contains(placeholder, StringComparer.OrdinalIgnoreCase);

    /// <summary>Placeholder names of a message template, without alignment or format and ignoring escaped braces.</summary>
    private static IEnumerable<string> Placeholders(string template) =>
        PlaceholderPattern().Matches(template.Replace("{{", "", StringComparison.Ordinal).Replace("}}", "", StringComparison.Ordinal))
            .Select(m => m.Groups["name"].Value.Trim());

    private static IEnumerable<(string LogClass, string Method, LoggerMessageAttribute Attribute)> LoggerMessages() =>
        from type in Library.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (type.FullName!, $"{type.Name}.{method.Name}", attribute);

    [GeneratedRegex(@"\{(?<name>[^{}:,]+)(?:[,:][^{}]*)?\}", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();
}
