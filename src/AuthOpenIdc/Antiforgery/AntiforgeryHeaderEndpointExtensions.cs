using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The Backend-for-Frontend anti-forgery rule (as Duende.BFF's <c>X-CSRF: 1</c>): a JSON API that trusts the
/// session cookie answers only requests carrying a custom header. A cross-site form or image cannot add one,
/// and a cross-site <c>fetch</c> with it needs a CORS preflight the app does not grant, so cookie-riding
/// requests from other sites never reach the endpoint.
/// </summary>
public static class AntiforgeryHeaderEndpointExtensions
{
    /// <summary>The header name the SPA sends.</summary>
    public const string DefaultHeaderName = "X-CSRF";

    /// <summary>
    /// Requires <paramref name="headerName"/> with the value <paramref name="value"/> on every request to these
    /// (minimal API) endpoints; others get 400.
    /// </summary>
    public static TBuilder RequireAntiforgeryHeader<TBuilder>(this TBuilder builder, string headerName = DefaultHeaderName, string value = "1")
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(headerName);
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var presented = context.HttpContext.Request.Headers[headerName];
            if (presented.Count != 1 || !string.Equals(presented[0], value, StringComparison.Ordinal))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing anti-forgery header",
                    detail: $"This API requires the request header {headerName}: {value}.");
            }
            return await next(context).ConfigureAwait(false);
        });
    }
}
