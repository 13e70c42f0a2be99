using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.Tests.RelyingParty;

/// <summary>The mod_auth_openidc §11.9 heuristic: only a top-level browser navigation may be sent to the OP.</summary>
public class BrowserNavigationTests
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    [Theory]
    // Accept alone (old browsers, curl, simple clients)
    [InlineData(null, null, null, null, true)]
    [InlineData(null, null, null, "", true)]
    [InlineData(null, null, null, BrowserAccept, true)]
    [InlineData(null, null, null, "text/html", true)]
    [InlineData(null, null, null, "TEXT/HTML; charset=utf-8", true)]
    [InlineData(null, null, null, "application/xhtml+xml", true)]
    [InlineData(null, null, null, "*/*", true)]
    [InlineData(null, null, null, "application/json, */*;q=0.1", true)]
    [InlineData(null, null, null, "application/json", false)]
    [InlineData(null, null, null, "application/json, text/plain", false)]
    [InlineData(null, null, null, "image/png", false)]
    [InlineData(null, null, null, "image/*", false)]
    [InlineData(null, null, null, "text/plain", false)]
    [InlineData(null, null, null, "application/xml", false)]
    // X-Requested-With: XMLHttpRequest always wins
    [InlineData("XMLHttpRequest", null, null, BrowserAccept, false)]
    [InlineData("xmlhttprequest", null, null, null, false)]
    [InlineData("XMLHttpRequest", "navigate", "document", "text/html", false)]
    [InlineData("com.example.android.app", null, null, BrowserAccept, true)]
    // Sec-Fetch-Mode
    [InlineData(null, "navigate", null, BrowserAccept, true)]
    [InlineData(null, "NAVIGATE", null, BrowserAccept, true)]
    [InlineData(null, "cors", null, BrowserAccept, false)]
    [InlineData(null, "no-cors", null, "*/*", false)]
    [InlineData(null, "same-origin", null, "*/*", false)]
    [InlineData(null, "websocket", null, null, false)]
    // Sec-Fetch-Dest
    [InlineData(null, "navigate", "document", BrowserAccept, true)]
    [InlineData(null, null, "document", BrowserAccept, true)]
    [InlineData(null, null, "DOCUMENT", BrowserAccept, true)]
    [InlineData(null, "navigate", "iframe", BrowserAccept, false)]
    [InlineData(null, "navigate", "frame", BrowserAccept, false)]
    [InlineData(null, "no-cors", "image", "image/avif,image/webp,*/*", false)]
    [InlineData(null, "no-cors", "script", "*/*", false)]
    [InlineData(null, "cors", "empty", "*/*", false)]
    [InlineData(null, null, "empty", "*/*", false)]
    [InlineData(null, null, "style", "text/css,*/*;q=0.1", false)]
    // Fetch metadata says navigation, Accept says not HTML
    [InlineData(null, "navigate", "document", "application/json", false)]
    public void Navigation_heuristic(string? requestedWith, string? fetchMode, string? fetchDest, string? accept, bool expected)
    {
        var request = new DefaultHttpContext().Request;
        Set(request, "X-Requested-With", requestedWith);
        Set(request, "Sec-Fetch-Mode", fetchMode);
        Set(request, "Sec-Fetch-Dest", fetchDest);
        Set(request, "Accept", accept);

        Assert.Equal(expected, BrowserNavigation.IsNavigation(request));
    }

    [Fact]
    public void Accept_spread_over_several_header_values_is_read_whole()
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Accept = new(["application/json", "text/html"]);

        Assert.True(BrowserNavigation.IsNavigation(request));
    }

    private static void Set(HttpRequest request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers[name] = value;
        }
    }
}
