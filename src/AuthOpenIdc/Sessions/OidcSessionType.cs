namespace AuthOpenIdc.Sessions;

/// <summary>Where a session lives (mod_auth_openidc <c>OIDCSessionType</c>).</summary>
public enum OidcSessionType
{
    /// <summary>In the library's cache; the cookie holds only a protected random id (the default, <c>server-cache</c>).</summary>
    ServerCache = 0,

    /// <summary>
    /// Entirely in the browser, encrypted, chunked over several cookies (<c>client-cookie</c>): nothing to share
    /// between instances, but a session cannot be revoked on the server and every request carries it.
    /// </summary>
    ClientCookie,
}
