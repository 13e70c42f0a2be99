using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// <c>?jwks</c>: the RP's public keys (mod_auth_openidc §2.9), the public halves of its <c>private_key_jwt</c> keys,
/// so the OP can be registered with <c>jwks_uri = &lt;redirect_uri&gt;?jwks</c> and keys rotate by configuration.
/// An RP without keys publishes an empty set.
/// </summary>
internal sealed class JwksEndpoint : IRedirectUriEndpoint
{
    public string Name => "jwks";

    public bool Matches(HttpRequest request) => HttpMethods.IsGet(request.Method) && request.Query.ContainsKey("jwks");

    public Task HandleAsync(RedirectUriContext context)
    {
        var response = context.HttpContext.Response;
        response.ContentType = "application/jwk-set+json";
        response.Headers.CacheControl = "public, max-age=3600";
        return response.Body.WriteAsync(context.Runtime.ClientKeys.Value.PublicJwks, context.Aborted).AsTask();
    }
}
