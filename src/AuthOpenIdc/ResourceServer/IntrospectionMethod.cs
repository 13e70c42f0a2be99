namespace AuthOpenIdc.ResourceServer;

/// <summary>The HTTP method of the introspection call (<c>OIDCOAuthIntrospectionEndpointMethod</c>).</summary>
public enum IntrospectionMethod
{
    /// <summary>A form-encoded POST (RFC 7662 §2.1); the default.</summary>
    Post = 0,

    /// <summary>
    /// A GET with the token and parameters in the query string, for servers that only offer that. The token then
    /// travels in a URL, which proxies and the server may log: use it only where POST is not possible.
    /// </summary>
    Get = 1,
}
