using AuthOpenIdc.IntegrationTests.Infrastructure.Browser;
using AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;
using AuthOpenIdc.IntegrationTests.Infrastructure.Samples;

namespace AuthOpenIdc.IntegrationTests.Browser;

/// <summary>
/// The SPA sample in a real browser: headless Chromium (tests/browser/spa.test.mjs, playwright-core) logs in at the
/// npm OP, reads the session through the info hook, calls the anti-forgery-protected API, refreshes the access
/// token through the info hook and through <c>?refresh=</c>, and logs out at the OP.
/// </summary>
[Collection(NodeOidcProviderCollection.Name)]
public sealed class SpaBrowserTests
{
    private const string Script = "spa.test.mjs";

    private readonly NodeOidcProviderFixture _op;

    public SpaBrowserTests(NodeOidcProviderFixture op)
    {
        _op = op;
    }

    [Fact]
    public async Task Spa_sample_logs_in_calls_the_api_refreshes_and_logs_out_in_a_real_browser()
    {
        if (BrowserScript.MissingPrerequisites(Script) is { } missing)
        {
            Assert.Fail(missing);
        }
        await using var spa = await SampleApp.StartAsync(SampleProject.Spa,
            new Dictionary<string, string> { ["AuthOpenIdc:RelyingParty:Issuer"] = _op.Provider.IssuerString });

        var environment = new Dictionary<string, string>();
        if (Environment.GetEnvironmentVariable("SPA_TEST_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            environment["SPA_TEST_SCREENSHOT"] = screenshot;
        }
        var result = await BrowserScript.RunAsync(Script, [spa.BaseUrl.AbsoluteUri], environment);

        Assert.True(result.ExitCode == 0 && result.FailedChecks.Count == 0 && result.PassedChecks.Count > 0,
            $"{result}{Environment.NewLine}--- SPA sample log ---{Environment.NewLine}{Tail(spa.AllLogs(), 80)}" +
            $"{Environment.NewLine}--- OP stderr ---{Environment.NewLine}{string.Join(Environment.NewLine, _op.Provider.GetRecentStandardError().TakeLast(40))}");
    }

    private static string Tail(string text, int lines) =>
        string.Join(Environment.NewLine, text.Split(Environment.NewLine).TakeLast(lines));
}
