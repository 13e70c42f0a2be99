using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>One function of the redirect_uri (mod_auth_openidc's src/handle/ has one file per function).</summary>
internal interface IRedirectUriEndpoint
{
    /// <summary>The function's name in metrics and logs.</summary>
    string Name { get; }

    /// <summary>Whether the request's shape (method, parameters) selects this function.</summary>
    bool Matches(HttpRequest request);

    /// <summary>True when the function needs the browser's session; the dispatcher answers 401 without one.</summary>
    bool RequiresSession => false;

    Task HandleAsync(RedirectUriContext context);
}
