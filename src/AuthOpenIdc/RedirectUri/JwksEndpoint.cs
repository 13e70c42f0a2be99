using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// <c>?jwks</c>: the RP's public keys (mod_auth_openidc §2.9) for OPs that encrypt to the RP or verify its signed
/// requests. The RP has no keys of its own yet, so the set is empty; the endpoint exists so OP registrations
/// pointing at it stay valid when keys arrive.
/// </summary>
internal sealed class JwksEndpoint : IRedirectUriEndpoint
{
    private static readonly byte[] EmptySet = "{\"keys\":[]}"u8.ToArray();

    public string Name => "jwks";

    public bool Matches(HttpRequest request) => HttpMethods.IsGet(request.Method) && request.Query.ContainsKey("jwks");

    public Task HandleAsync(RedirectUriContext context)
    {
        var response = context.HttpContext.Response;
        response.ContentType = "application/jwk-set+json";
        response.Headers.CacheControl = "public, max-age=3600";
        return response.Body.WriteAsync(EmptySet, context.Aborted).AsTask();
    }
}
