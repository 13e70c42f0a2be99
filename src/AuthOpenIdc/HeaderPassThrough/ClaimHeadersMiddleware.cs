using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.HeaderPassThrough;

/// <summary>
/// Replaces whatever identity headers a client sent with the ones the authenticated principal justifies
/// (mod_auth_openidc §10). Removal runs on every request, anonymous ones included, because an app that
/// lets anonymous requests through would otherwise forward a forged <c>OIDC_CLAIM_sub</c>
/// (CVE-2017-6413). Header values are never logged.
/// </summary>
internal sealed class ClaimHeadersMiddleware
{
    private const int MaxCachedHeaderNames = 1024;

    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly string _prefix;
    private readonly string _delimiter;
    private readonly ClaimHeaderEncoding _encoding;
    private readonly bool _passAccessToken;
    private readonly string? _authenticatedUserHeader;
    private readonly FrozenSet<string> _includeClaims;
    private readonly FrozenSet<string> _excludeClaims;
    private readonly string[] _unprefixedHeaderNames;
    private readonly ConcurrentDictionary<string, string> _headerNames = new(StringComparer.Ordinal);
    private int _cachedHeaderNames;

    public ClaimHeadersMiddleware(RequestDelegate next, ClaimHeadersOptions options, ILogger<ClaimHeadersMiddleware> logger)
    {
        ClaimHeadersOptionsValidator.ThrowIfInvalid(options);
        _next = next;
        _logger = logger;

        // Copied, so changing the options object after startup cannot change a running pipeline.
        _prefix = options.Prefix;
        _delimiter = options.Delimiter;
        _encoding = options.Encoding;
        _passAccessToken = options.PassAccessToken;
        _authenticatedUserHeader = options.AuthenticatedUserHeader;
        _includeClaims = options.IncludeClaims.ToFrozenSet(StringComparer.Ordinal);
        _excludeClaims = options.ExcludeClaims.ToFrozenSet(StringComparer.Ordinal);

        // Without a prefix nothing identifies our headers by name, so the names the included claims map to are removed instead.
        _unprefixedHeaderNames = _prefix.Length == 0
            ? [.. _includeClaims.Select(ClaimHeaderNames.Normalize).Where(name => name.Length > 0)]
            : [];
    }

    public Task InvokeAsync(HttpContext context)
    {
        RemoveReservedHeaders(context.Request.Headers);
        return context.User.Identity?.IsAuthenticated == true
            ? SetIdentityHeadersAndContinueAsync(context)
            : _next(context);
    }

    private void RemoveReservedHeaders(IHeaderDictionary headers)
    {
        List<string>? reserved = null;
        foreach (var header in headers)
        {
            if (IsReserved(header.Key))
            {
                (reserved ??= []).Add(header.Key);
            }
        }

        if (reserved is null)
        {
            return;
        }

        foreach (string name in reserved)
        {
            headers.Remove(name);
            AuthOpenIdcLog.SpoofedIdentityHeaderRemoved(_logger, name);
        }
    }

    private bool IsReserved(string name)
    {
        if (ClaimHeaderNames.StartsWithEquivalent(name, ClaimHeadersDefaults.ReservedPrefix)
            || (_prefix.Length > 0 && ClaimHeaderNames.StartsWithEquivalent(name, _prefix))
            || (_authenticatedUserHeader is not null && ClaimHeaderNames.EqualsEquivalent(name, _authenticatedUserHeader)))
        {
            return true;
        }

        foreach (string unprefixed in _unprefixedHeaderNames)
        {
            if (ClaimHeaderNames.EqualsEquivalent(name, unprefixed))
            {
                return true;
            }
        }

        return false;
    }

    private async Task SetIdentityHeadersAndContinueAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        int count = SetClaimHeaders(context.User, headers);

        // Set after the claims, so that no claim whose header name collides can override these.
        if (_authenticatedUserHeader is not null && context.User.Identity?.Name is { Length: > 0 } remoteUser)
        {
            var encoding = _encoding == ClaimHeaderEncoding.None ? ClaimHeaderEncoding.None : ClaimHeaderEncoding.Latin1;
            headers[_authenticatedUserHeader] = ClaimHeaderValues.Encode(remoteUser, encoding);
            count++;
        }

        if (_passAccessToken)
        {
            count += await SetAccessTokenHeadersAsync(context, headers);
        }

        AuthOpenIdcLog.IdentityHeadersSet(_logger, count);
        await _next(context);
    }

    private int SetClaimHeaders(ClaimsPrincipal user, IHeaderDictionary headers)
    {
        // Grouped by header name: a multi-valued claim, and claim types that normalise alike, share one header.
        Dictionary<string, List<string>>? values = null;
        foreach (var claim in user.Claims)
        {
            if ((_includeClaims.Count > 0 && !_includeClaims.Contains(claim.Type)) || _excludeClaims.Contains(claim.Type))
            {
                continue;
            }

            string name = HeaderNameFor(claim.Type);
            if (name.Length == 0)
            {
                continue;
            }

            values ??= new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(values, name, out _);
            (list ??= new List<string>(1)).Add(claim.Value);
        }

        if (values is null)
        {
            return 0;
        }

        foreach (var (name, list) in values)
        {
            // A single value is not escaped: a string claim such as DOMAIN\user reaches the backend as is.
            string value = list.Count == 1 ? list[0] : ClaimHeaderValues.Join(list, _delimiter);
            headers[name] = ClaimHeaderValues.Encode(value, _encoding);
        }

        return values.Count;
    }

    private string HeaderNameFor(string claimType)
    {
        if (_headerNames.TryGetValue(claimType, out string? name))
        {
            return name;
        }

        name = _prefix + ClaimHeaderNames.Normalize(claimType);

        // Bounded, because claim names come from tokens and must not grow memory without limit.
        if (Volatile.Read(ref _cachedHeaderNames) < MaxCachedHeaderNames && _headerNames.TryAdd(claimType, name))
        {
            Interlocked.Increment(ref _cachedHeaderNames);
        }

        return name;
    }

    private async Task<int> SetAccessTokenHeadersAsync(HttpContext context, IHeaderDictionary headers)
    {
        // One authenticate call serves both tokens; the handler caches its result for the request.
        var result = await context.AuthenticateAsync();
        string? accessToken = result.Properties?.GetTokenValue("access_token");
        if (string.IsNullOrEmpty(accessToken))
        {
            return 0;
        }

        headers[ClaimHeadersDefaults.AccessTokenHeader] = ClaimHeaderValues.Encode(accessToken, _encoding);

        // mod_auth_openidc passes the expiry as Unix seconds; ASP.NET Core stores it as ISO 8601.
        string? expiresAt = result.Properties!.GetTokenValue("expires_at");
        if (!DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
        {
            return 1;
        }

        string seconds = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers[ClaimHeadersDefaults.AccessTokenExpiresHeader] = ClaimHeaderValues.Encode(seconds, _encoding);
        return 2;
    }
}
