using System.Security.Cryptography;
using System.Text.Json;
using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.RelyingParty;

/// <summary>
/// One encrypted, integrity-protected cookie per pending login, named prefix + state, so several tabs can
/// log in at once. The number a browser may hold is bounded (expired ones purged first), which stops the
/// state-cookie pile-up that plagues RPs (mod_auth_openidc §1.11, issue P2).
/// </summary>
internal sealed class StateCookies
{
    /// <summary>A state cookie is well under 1 KB; longer values are not ours and are not even decrypted.</summary>
    private const int MaxCookieLength = 4096;

    /// <summary>At most this many prefixed cookies are examined per challenge; the rest are deleted unread.</summary>
    private const int MaxExamined = 64;

    private readonly OidcRelyingPartyOptions _options;
    private readonly IDataProtector _protector;
    private readonly SessionCookie _sessionCookie;
    private readonly TimeProvider _time;

    public StateCookies(OidcRelyingPartyOptions options, IDataProtector protector, SessionCookie sessionCookie, TimeProvider time)
    {
        _options = options;
        _protector = protector;
        _sessionCookie = sessionCookie;
        _time = time;
    }

    /// <summary>
    /// Purges expired or unreadable state cookies and makes room for one more. Returns false when the limit
    /// is reached and the configuration says 503 rather than dropping the oldest.
    /// </summary>
    public bool MakeRoom(HttpContext context)
    {
        var prefix = _options.State.CookiePrefix;
        var live = new List<(string Name, long CreatedAt)>();
        var examined = 0;
        foreach (var cookie in context.Request.Cookies)
        {
            if (!cookie.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            var data = ++examined <= MaxExamined ? Unprotect(cookie.Value) : null;
            if (data is null || IsExpired(data))
            {
                Delete(context, cookie.Key);
            }
            else
            {
                live.Add((cookie.Key, data.CreatedAt));
            }
        }

        var max = _options.State.MaxCookies;
        if (max <= 0 || live.Count < max)
        {
            return true;
        }
        if (!_options.State.DeleteOldestCookie)
        {
            return false;
        }
        foreach (var (name, _) in live.OrderBy(c => c.CreatedAt).Take(live.Count - max + 1))
        {
            Delete(context, name);
        }
        return true;
    }

    public void Write(HttpContext context, StateData data)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(data, StateDataJsonContext.Default.StateData);
        context.Response.Cookies.Append(_options.State.CookiePrefix + data.State, Base64UrlEncoder.Encode(_protector.Protect(bytes)), Options(context, _options.State.CookiePrefix + data.State, data.ResponseMode));
    }

    /// <summary>Reads and deletes the state cookie of <paramref name="state"/>; null when absent or not ours.</summary>
    public StateData? Take(HttpContext context, string state)
    {
        var name = _options.State.CookiePrefix + state;
        var value = context.Request.Cookies[name];
        if (value is null)
        {
            return null;
        }
        Delete(context, name);
        return Unprotect(value);
    }

    public bool IsExpired(StateData data) =>
        _time.GetUtcNow().ToUnixTimeSeconds() > data.CreatedAt + (long)_options.State.Timeout.TotalSeconds;

    private StateData? Unprotect(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxCookieLength)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(_protector.Unprotect(Base64UrlEncoder.DecodeBytes(value)), StateDataJsonContext.Default.StateData);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException or JsonException)
        {
            return null;
        }
    }

    private void Delete(HttpContext context, string name)
    {
        var options = Options(context, name, _options.ResponseMode);
        options.MaxAge = null; // Max-Age would outrank the past Expires that deletes the cookie
        context.Response.Cookies.Delete(name, options);
    }

    /// <summary>
    /// form_post comes back as a cross-site POST, which carries only SameSite=None cookies; None needs Secure,
    /// so over plain http (loopback development) Lax is used, which same-site form posts still carry.
    /// </summary>
    private CookieOptions Options(HttpContext context, string name, AuthorizationResponseMode mode)
    {
        var options = _sessionCookie.CookieOptions(context.Request, name, SameSiteMode.Lax, httpOnly: true);
        if (mode == AuthorizationResponseMode.FormPost && options.Secure)
        {
            options.SameSite = SameSiteMode.None;
        }
        options.MaxAge = _options.State.Timeout;
        return options;
    }
}
