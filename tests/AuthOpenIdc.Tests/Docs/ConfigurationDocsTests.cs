using System.Diagnostics.Metrics;
using System.Reflection;
using AuthOpenIdc.Authorization;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Diagnostics;
using AuthOpenIdc.HeaderPassThrough;
using AuthOpenIdc.RelyingParty;
using AuthOpenIdc.ResourceServer;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Tests.Docs;

/// <summary>
/// Keeps docs/configuration.md, docs/errors.md, docs/diagnostics.md and docs/events.md in step with the
/// code: a new option, error code, log event, instrument or event fails here until it is documented.
/// </summary>
public class ConfigurationDocsTests
{
    /// <summary>
    /// The section docs/configuration.md binds <see cref="ClaimHeadersOptions"/> from; the library itself
    /// binds nothing for them (UseOidcClaimHeaders takes a delegate), so this is a documentation convention.
    /// </summary>
    private const string ClaimHeadersSection = "AuthOpenIdc:ClaimHeaders";

    private static readonly Assembly Library = typeof(OidcRelyingPartyOptions).Assembly;

    [Fact]
    public void Every_relying_party_option_is_documented_with_its_configuration_key()
    {
        var keys = OptionKeys(typeof(OidcRelyingPartyOptions), OidcRelyingPartyDefaults.ConfigurationSection).ToList();

        Assert.Contains("AuthOpenIdc:RelyingParty:Session:InactivityTimeout", keys); // the recursion works
        Assert.Contains("AuthOpenIdc:RelyingParty:AuthorizationParameters", keys); // get-only members count
        AssertAllDocumented("configuration.md", keys.Select(Code));
    }

    [Fact]
    public void Every_inherited_scheme_option_is_mentioned()
    {
        var inherited = typeof(AuthenticationSchemeOptions)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.Name)
            .Distinct()
            .ToList();

        Assert.Contains(nameof(AuthenticationSchemeOptions.ClaimsIssuer), inherited);
        AssertAllDocumented("configuration.md", inherited.Select(Code).Append(Code($"{OidcRelyingPartyDefaults.ConfigurationSection}:ClaimsIssuer")));
    }

    [Fact]
    public void Every_resource_server_option_is_documented_with_its_configuration_key()
    {
        var keys = OptionKeys(typeof(OAuthResourceServerOptions), OAuthResourceServerDefaults.ConfigurationSection).ToList();

        Assert.Contains("AuthOpenIdc:ResourceServer:RemoteUser:Claim", keys);
        Assert.Contains("AuthOpenIdc:ResourceServer:SharedKeys", keys);
        AssertAllDocumented("configuration.md", keys.Select(Code).Append(Code($"{OAuthResourceServerDefaults.ConfigurationSection}:ClaimsIssuer")));
    }

    [Fact]
    public void Every_cache_option_is_documented_with_its_configuration_key()
    {
        AssertAllDocumented("configuration.md", OptionKeys(typeof(AuthOpenIdcCacheOptions), AuthOpenIdcCacheOptions.ConfigurationSection).Select(Code));
    }

    [Fact]
    public void Every_claim_header_option_is_documented_with_its_configuration_key()
    {
        AssertAllDocumented("configuration.md", OptionKeys(typeof(ClaimHeadersOptions), ClaimHeadersSection).Select(Code));
    }

    [Fact]
    public void The_claim_policy_section_is_documented()
    {
        AssertAllDocumented("configuration.md", [Code($"{AuthOpenIdcPolicies.ConfigurationSection}:<PolicyName>")]);
    }

    [Fact]
    public void Every_error_code_has_a_section_in_errors_md()
    {
        var codes = typeof(OidcErrorCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.NotEmpty(codes);
        AssertAllDocumented("errors.md", codes.Select(code => $"### {Code(code)}"));
    }

    [Fact]
    public void Every_log_event_is_documented_with_its_id_level_and_message()
    {
        var lines = File.ReadAllLines(DocPath("diagnostics.md"));
        var missing = new List<string>();
        var events = LogEvents().ToList();

        Assert.NotEmpty(events);
        foreach (var (method, attribute) in events)
        {
            if (string.IsNullOrEmpty(attribute.EventName))
            {
                missing.Add($"{method.DeclaringType!.Name}.{method.Name} has no EventName");
                continue;
            }

            var row = $"| {attribute.EventId} | {Code(attribute.EventName)} | {attribute.Level} | ";
            if (!lines.Any(line => line.StartsWith(row, StringComparison.Ordinal) && line.Contains(attribute.Message, StringComparison.Ordinal)))
            {
                missing.Add($"{row}{attribute.Message}");
            }
        }

        Assert.True(missing.Count == 0, $"docs/diagnostics.md lacks the rows:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}");
    }

    [Fact]
    public void Every_instrument_of_the_meter_is_documented()
    {
        var names = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == AuthOpenIdcMetrics.MeterName)
                {
                    names.Add(instrument.Name);
                }
            },
        };
        listener.Start();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _ = new AuthOpenIdcMetrics(services.GetRequiredService<IMeterFactory>());

        Assert.NotEmpty(names);
        AssertAllDocumented("diagnostics.md", names.Select(Code).Append($"Meter {Code(AuthOpenIdcMetrics.MeterName)}"));
    }

    [Fact]
    public void Every_event_has_a_section_in_events_md()
    {
        var events = typeof(OidcRelyingPartyEvents)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name.StartsWith("On", StringComparison.Ordinal))
            .Select(p => $"## {Code(p.Name)}")
            .ToList();

        Assert.NotEmpty(events);
        AssertAllDocumented("events.md", events);
    }

    /// <summary>
    /// The configuration keys of an options class: its public instance properties, recursing into nested
    /// options classes of the library (State, Session, RemoteUser); the inherited
    /// <see cref="AuthenticationSchemeOptions"/> members and the events are not configuration keys.
    /// </summary>
    private static IEnumerable<string> OptionKeys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is not { IsPublic: true }
                || property.GetIndexParameters().Length > 0
                || property.DeclaringType == typeof(AuthenticationSchemeOptions)
                || property.PropertyType == typeof(OidcRelyingPartyEvents))
            {
                continue;
            }

            var key = $"{prefix}:{property.Name}";
            if (property.PropertyType.IsClass && property.PropertyType.Assembly == Library)
            {
                foreach (var nested in OptionKeys(property.PropertyType, key))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    private static IEnumerable<(MethodInfo Method, LoggerMessageAttribute Attribute)> LogEvents() =>
        from type in Library.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (method, attribute);

    private static void AssertAllDocumented(string document, IEnumerable<string> expected)
    {
        var text = File.ReadAllText(DocPath(document));
        var missing = expected.Where(item => !text.Contains(item, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/{document} lacks:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}");
    }

    private static string Code(string value) => $"`{value}`";

    private static string DocPath(string document) => Path.Combine(RepositoryRoot(), "docs", document);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AuthOpenIdc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AuthOpenIdc.sln above {AppContext.BaseDirectory}.");
    }
}
