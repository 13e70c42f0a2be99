using System.Security.Cryptography;
using System.Text.Json;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Sessions;

/// <summary>
/// Client-cookie sessions (mod_auth_openidc <c>OIDCSessionType client-cookie</c>): the whole session,
/// encrypted and authenticated with Data Protection, in the browser, split over chunked cookies.
/// </summary>
internal sealed class CookieSessionStore
{
    private readonly OidcSessionOptions _options;
    private readonly IDataProtector _protector;
    private readonly SessionCookie _cookies;

    public CookieSessionStore(OidcSessionOptions options, IDataProtector protector, SessionCookie cookies)
    {
        _options = options;
        _protector = protector;
        _cookies = cookies;
    }

    public OidcSession? Read(HttpRequest request)
    {
        var value = ChunkedCookies.Read(request, _options.CookieName);
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(_protector.Unprotect(Base64UrlEncoder.DecodeBytes(value)), OidcSessionJsonContext.Default.OidcSession);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException or JsonException)
        {
            return null; // a tampered, truncated or foreign cookie is no session
        }
    }

    public void Write(HttpContext context, OidcSession session)
    {
        var stored = session;
        if (!_options.StoreIdTokenInCookie && session.IdToken is not null)
        {
            stored = Copy(session);
            stored.IdToken = null;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(stored, OidcSessionJsonContext.Default.OidcSession);
        ChunkedCookies.Write(context, _options.CookieName, Base64UrlEncoder.Encode(_protector.Protect(bytes)), _cookies.SessionCookieOptions(context.Request, session), _options.CookieChunkSize);
    }

    public void Delete(HttpContext context) =>
        ChunkedCookies.Delete(context, _options.CookieName, _cookies.SessionCookieOptions(context.Request, session: null));

    private static OidcSession Copy(OidcSession session) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(session, OidcSessionJsonContext.Default.OidcSession), OidcSessionJsonContext.Default.OidcSession)!;
}
