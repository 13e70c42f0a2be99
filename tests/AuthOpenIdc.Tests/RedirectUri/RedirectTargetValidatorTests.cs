using System.Globalization;
using System.Text.RegularExpressions;
using AuthOpenIdc.RedirectUri;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.Tests.RedirectUri;

public partial class RedirectTargetValidatorTests
{
    private const string PayloadFile = "RedirectUri/OpenRedirectPayloads.txt";

    private readonly RedirectTargetValidator _validator = new();

    /// <summary>Each payload with its line number, still encoded, so test names stay readable.</summary>
    public static TheoryData<int, string> Payloads()
    {
        var data = new TheoryData<int, string>();
        foreach (var (line, encoded) in ReadPayloadFile())
        {
            data.Add(line, encoded);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Open_redirect_payload_is_rejected(int line, string encoded)
    {
        var payload = Decode(encoded);

        var result = _validator.Validate(payload, Request("https", "app.example.com"));

        Assert.True(result is null, $"{PayloadFile} line {line}: '{encoded}' was accepted as '{result}'");
    }

    [Fact]
    public void Payload_corpus_is_large_and_has_no_duplicates()
    {
        var payloads = ReadPayloadFile().Select(p => Decode(p.Encoded)).ToList();

        Assert.True(payloads.Count >= 150, $"only {payloads.Count} payloads");
        Assert.Equal(payloads.Count, payloads.Distinct(StringComparer.Ordinal).Count());
    }

    public static TheoryData<string> VeryLongTargets() => new()
    {
        "/" + new string('a', 17 * 1024),
        "https://app.example.com/" + new string('a', 17 * 1024),
        "/?q=" + string.Concat(Enumerable.Repeat("%2e", 6 * 1024)),
    };

    [Theory]
    [MemberData(nameof(VeryLongTargets))]
    public void Very_long_target_is_rejected(string target)
    {
        Assert.Null(_validator.Validate(target, Request("https", "app.example.com")));
    }

    [Fact]
    public void Target_just_under_the_length_limit_is_accepted()
    {
        var target = "/" + new string('a', (16 * 1024) - 1);

        Assert.Equal(target, _validator.Validate(target, Request("https", "app.example.com")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_target_is_rejected(string? target)
    {
        Assert.Null(_validator.Validate(target, Request("https", "app.example.com")));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/path?q=1#f", "/path?q=1#f")]
    [InlineData("/a/b/c.html", "/a/b/c.html")]
    [InlineData("/.evil.com", "/.evil.com")]
    [InlineData("/evil.com", "/evil.com")]
    [InlineData("/search?next=evil.com", "/search?next=evil.com")]
    [InlineData("/caf%C3%A9", "/caf%C3%A9")]
    [InlineData("https://app.example.com/x", "https://app.example.com/x")]
    [InlineData("https://APP.example.com/x", "https://app.example.com/x")]
    [InlineData("HTTPS://app.EXAMPLE.com/x?y=1#z", "https://app.example.com/x?y=1#z")]
    [InlineData("https://app.example.com:443/x", "https://app.example.com/x")]
    [InlineData("https://app.example.com", "https://app.example.com/")]
    [InlineData("https://app.example.com/#@evil.com", "https://app.example.com/#@evil.com")]
    public void Local_path_or_own_host_is_accepted(string target, string expected)
    {
        Assert.Equal(expected, _validator.Validate(target, Request("https", "app.example.com")));
    }

    [Theory]
    [InlineData("\\path", "/path")]
    [InlineData("/a\\b", "/a/b")]
    [InlineData("https://app.example.com\\@evil.com", "https://app.example.com/@evil.com")]
    public void Backslashes_are_normalised_to_slashes(string target, string expected)
    {
        Assert.Equal(expected, _validator.Validate(target, Request("https", "app.example.com")));
    }

    [Theory]
    [InlineData("app.example.com:80")]
    [InlineData("app.example.com")]
    public void Http_url_of_own_host_on_port_80_is_accepted_for_an_http_request(string host)
    {
        Assert.Equal("http://app.example.com/x", _validator.Validate("http://app.example.com:80/x", Request("http", host)));
        Assert.Equal("http://app.example.com/x", _validator.Validate("http://app.example.com/x", Request("http", host)));
    }

    [Theory]
    [InlineData("https", "app.example.com", "https://app.example.com:8443/x")]
    [InlineData("https", "app.example.com:8443", "https://app.example.com/x")]
    [InlineData("https", "app.example.com:8443", "https://app.example.com:9443/x")]
    [InlineData("http", "app.example.com", "http://app.example.com:8080/x")]
    [InlineData("http", "app.example.com:8080", "http://app.example.com/x")]
    [InlineData("http", "app.example.com", "https://app.example.com/x")]
    public void Port_mismatch_is_rejected(string scheme, string host, string target)
    {
        Assert.Null(_validator.Validate(target, Request(scheme, host)));
    }

    [Fact]
    public void Non_default_port_of_own_host_is_accepted_when_the_request_uses_it()
    {
        Assert.Equal("https://app.example.com:8443/x", _validator.Validate("https://app.example.com:8443/x", Request("https", "app.example.com:8443")));
    }

    [Fact]
    public void Another_request_host_changes_what_counts_as_own_host()
    {
        var request = Request("https", "other.example.org");

        Assert.Equal("https://other.example.org/x", _validator.Validate("https://other.example.org/x", request));
        Assert.Null(_validator.Validate("https://app.example.com/x", request));
    }

    [Fact]
    public void Random_printable_garbage_never_yields_another_host()
    {
        // Fuzz-style: whatever the validator accepts is a single-slash local path or an absolute URL of the own host.
        var random = new Random(20240611);
        const string alphabet = "/\\:@.?#%&;=+-_~!$'()*,[] \tabcdefhjlmoptsvwxEVILCOM0123456789\u3002\uff0f\uff3c\u3031";
        var request = Request("https", "app.example.com");
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(1, 24)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }
            var candidate = new string(chars);
            var result = _validator.Validate(candidate, request);
            if (result is null)
            {
                continue;
            }
            var local = result.StartsWith('/') && !result.StartsWith("//", StringComparison.Ordinal);
            var ownHost = Uri.TryCreate(result, UriKind.Absolute, out var uri) && uri.Host == "app.example.com" && uri.Port == 443;
            Assert.True(local || ownHost, $"'{candidate}' was accepted as '{result}'");
        }
    }

    [Theory]
    [InlineData("https://portal.example.org/bye", true)]
    [InlineData("https://PORTAL.example.org/bye", true)]
    [InlineData("https://portal.example.org.evil.com/bye", false)]
    [InlineData("https://app.example.com/x", false)]
    [InlineData("/local/path", true)]
    [InlineData("https://portal.example.org/%2f%2fevil.com", false)]
    public void An_allow_list_replaces_the_same_host_rule_for_absolute_targets(string target, bool allowed)
    {
        var validator = new RedirectTargetValidator([@"^https://portal\.example\.org/"]);

        var result = validator.Validate(target, Request("https", "app.example.com"));

        Assert.Equal(allowed, result is not null);
    }

    [Fact]
    public void An_invalid_allow_list_pattern_is_ignored_here_because_validation_reports_it()
    {
        var validator = new RedirectTargetValidator(["("]);

        Assert.Null(validator.Validate("https://portal.example.org/", Request("https", "app.example.com")));
    }

    private static DefaultHttpContext Context(string scheme, string host)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        return context;
    }

    private static HttpRequest Request(string scheme, string host) => Context(scheme, host).Request;

    private static IEnumerable<(int Line, string Encoded)> ReadPayloadFile()
    {
        var path = Path.Combine(AppContext.BaseDirectory, PayloadFile);
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith("# ", StringComparison.Ordinal))
            {
                continue;
            }
            yield return (i + 1, line);
        }
    }

    private static string Decode(string encoded) => Placeholder().Replace(encoded, match => match.Groups[1].Value switch
    {
        "TAB" => "\t",
        "CR" => "\r",
        "LF" => "\n",
        "NUL" => "\0",
        "SP" => " ",
        var code when code.StartsWith("U+", StringComparison.Ordinal) => ((char)int.Parse(code.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
        var other => throw new FormatException($"unknown placeholder {{{{{other}}}}}"),
    });

    [GeneratedRegex(@"\{\{([A-Z]+|U\+[0-9A-F]{4})\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
