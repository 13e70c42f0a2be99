using System.Security.Cryptography;
using System.Text;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Sessions;

/// <summary>
/// The session cookie: only the session id, protected with Data Protection so it cannot be forged or
/// enumerated. Attributes follow <see cref="OidcSessionOptions"/>, with the <c>__Host-</c>/<c>__Secure-</c>
/// prefix rules enforced.
/// </summary>
internal sealed class SessionCookie
{
    /// <summary>A protected id is about 150 characters; anything much longer is not ours.</summary>
    private const int MaxCookieLength = 1024;

    private readonly OidcSessionOptions _options;
    private readonly IDataProtector _protector;

    /// <summary>
    /// Unprotecting the cookie is the costliest step of an authenticated request (about 8 µs); its result for a
    /// given cookie value never changes, so it is remembered. Only values that unprotected correctly are kept.
    /// </summary>
    private readonly Caching.BoundedMemo<string> _ids = new(capacity: 20_000);

    public SessionCookie(OidcSessionOptions options, IDataProtector protector)
    {
        _options = options;
        _protector = protector;
    }

    public string? ReadId(HttpRequest request)
    {
        var value = request.Cookies[_options.CookieName];
        if (string.IsNullOrEmpty(value) || value.Length > MaxCookieLength)
        {
            return null;
        }
        if (_ids.TryGet(value, out var known))
        {
            return known;
        }
        try
        {
            var id = Encoding.UTF8.GetString(_protector.Unprotect(Base64UrlEncoder.DecodeBytes(value)));
            _ids.Add(value, id);
            return id;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    public void Write(HttpContext context, string id, OidcSession session) =>
        context.Response.Cookies.Append(_options.CookieName, Base64UrlEncoder.Encode(_protector.Protect(Encoding.UTF8.GetBytes(id))), SessionCookieOptions(context.Request, session));

    public void Delete(HttpContext context) =>
        context.Response.Cookies.Delete(_options.CookieName, SessionCookieOptions(context.Request, session: null));

    /// <summary>
    /// The session cookie's attributes; a persistent cookie expires with the session's inactivity timeout (or its
    /// maximum, if sooner), so every slide of the session moves the cookie's expiry too.
    /// </summary>
    public CookieOptions SessionCookieOptions(HttpRequest request, OidcSession? session)
    {
        var options = CookieOptions(request, _options.CookieName, _options.CookieSameSite, _options.CookieHttpOnly);
        if (_options.PersistentCookie && session is not null)
        {
            options.Expires = SessionLifetime.ExpiresAt(session, _options);
        }
        return options;
    }

    /// <summary>
    /// Attributes shared by the session and state cookies; the <c>__Host-</c>/<c>__Secure-</c> rules follow the
    /// name of the cookie being written, since browsers enforce them per cookie.
    /// </summary>
    public CookieOptions CookieOptions(HttpRequest request, string cookieName, SameSiteMode sameSite, bool httpOnly)
    {
        // Browsers match the prefixes case-insensitively.
        var hostPrefixed = cookieName.StartsWith("__Host-", StringComparison.OrdinalIgnoreCase);
        var secure = hostPrefixed || cookieName.StartsWith("__Secure-", StringComparison.OrdinalIgnoreCase) || _options.CookieSecurePolicy switch
        {
            CookieSecurePolicy.Always => true,
            CookieSecurePolicy.None => false,
            _ => request.IsHttps,
        };
        return new CookieOptions
        {
            Path = hostPrefixed ? "/" : _options.CookiePath,
            Domain = hostPrefixed ? null : _options.CookieDomain,
            Secure = secure,
            HttpOnly = httpOnly,
            SameSite = sameSite,
            IsEssential = true,
        };
    }
}
