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

    /// <summary>The one class that holds every log message (one class keeps the generator's output deterministic).</summary>
    private const string LogClass = "AuthOpenIdc.AuthOpenIdcLog";

    /// <summary>
    /// The event id range each capability owns. This table is the single source: the test prints it as the
    /// table for docs/diagnostics.md, and an id outside every range fails.
    /// </summary>
    private static readonly (string Capability, int First, int Last)[] EventIdRanges =
    [
        ("RelyingParty", 1000, 1099),
        ("Protocol", 2000, 2099),
        ("Sessions", 3000, 3099),
        ("Caching", 4000, 4099),
        ("Caching (file backend)", 4100, 4199),
        ("ResourceServer", 5000, 5099),
        ("Authorization", 7000, 7099),
        ("HeaderPassThrough", 7100, 7199),
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
    public void Every_log_message_lives_in_the_one_log_class_and_a_documented_range()
    {
        PrintEventIdTable();
        var messages = LoggerMessages().ToList();

        Assert.All(messages, m => Assert.Equal(LogClass, m.LogClass));
        var outOfRange = messages
            .Where(m => !EventIdRanges.Any(r => m.Attribute.EventId >= r.First && m.Attribute.EventId <= r.Last))
            .Select(m => $"{m.Method} uses {m.Attribute.EventId}, outside every range");
        Assert.Empty(outOfRange);
        var stale = EventIdRanges.Where(r => !messages.Any(m => m.Attribute.EventId >= r.First && m.Attribute.EventId <= r.Last)).Select(r => r.Capability);
        Assert.Empty(stale);
    }

    [Fact]
    public void Every_logger_message_is_declared_in_the_one_log_file()
    {
        // A second partial declaration in another file makes the generator's output, and so the package,
        // differ from build to build.
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "AuthOpenIdc.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }
        var source = Path.Combine(root, "src", "AuthOpenIdc");
        var declaring = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("[LoggerMessage(", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(source, f).Replace('\\', '/'))
            .ToList();

        Assert.Equal(["Diagnostics/AuthOpenIdcLog.cs"], declaring);
    }

    [Fact]
    public void Event_id_ranges_do_not_overlap()
    {
        var sorted = EventIdRanges.OrderBy(r => r.First).ToList();

        for (var i = 1; i < sorted.Count; i++)
        {
            Assert.True(sorted[i].First > sorted[i - 1].Last, $"{sorted[i - 1].Capability} and {sorted[i].Capability} overlap");
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
        table.AppendLine("| Event ids | Capability |");
        table.AppendLine("|-----------|------------|");
        foreach (var (capability, first, last) in EventIdRanges.OrderBy(r => r.First))
        {
            table.AppendLine($"| {first}-{last} | {capability} |");
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
