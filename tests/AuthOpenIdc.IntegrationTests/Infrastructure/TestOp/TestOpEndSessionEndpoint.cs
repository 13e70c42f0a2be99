using System.Text;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary><c>/end_session</c>: records the request, then 302 to post_logout_redirect_uri (+state) or 200 "logged out".</summary>
internal static class TestOpEndSessionEndpoint
{
    public static async Task HandleAsync(HttpContext http, TestOpContext op)
    {
        op.State.CountEndSessionRequest();
        var request = await TestOpHttp.ReadParametersAsync(http);
        op.State.LastEndSessionRequest = request;

        var target = request.Get("post_logout_redirect_uri");
        if (target is null || !Uri.TryCreate(target, UriKind.Absolute, out _))
        {
            await TestOpHttp.WriteRawAsync(http, StatusCodes.Status200OK, "text/plain", "logged out");
            return;
        }

        var location = new StringBuilder(target);
        if (request.Get("state") is { } state)
        {
            location.Append(target.Contains('?', StringComparison.Ordinal) ? '&' : '?').Append("state=").Append(Uri.EscapeDataString(state));
        }

        http.Response.Redirect(location.ToString());
    }
}
