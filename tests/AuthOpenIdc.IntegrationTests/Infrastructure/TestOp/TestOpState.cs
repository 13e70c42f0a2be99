using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>The OP's mutable server-side state: clients, codes, tokens, counters, and recorded requests. Thread-safe.</summary>
internal sealed class TestOpState
{
    private readonly ConcurrentDictionary<string, string?> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedAuthorizationCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedRefreshToken> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedAccessToken> _accessTokens = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private int _jwksRequests;
    private int _discoveryRequests;
    private int _authorizationRequests;
    private int _tokenRequests;
    private int _refreshGrants;
    private int _userInfoRequests;
    private int _endSessionRequests;

    public int JwksRequests => Volatile.Read(ref _jwksRequests);
    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);
    public int AuthorizationRequests => Volatile.Read(ref _authorizationRequests);
    public int TokenRequests => Volatile.Read(ref _tokenRequests);
    public int RefreshGrants => Volatile.Read(ref _refreshGrants);
    public int UserInfoRequests => Volatile.Read(ref _userInfoRequests);
    public int EndSessionRequests => Volatile.Read(ref _endSessionRequests);

    public int CountJwksRequest() => Interlocked.Increment(ref _jwksRequests);
    public void CountDiscoveryRequest() => Interlocked.Increment(ref _discoveryRequests);
    public void CountAuthorizationRequest() => Interlocked.Increment(ref _authorizationRequests);
    public void CountTokenRequest() => Interlocked.Increment(ref _tokenRequests);
    public void CountRefreshGrant() => Interlocked.Increment(ref _refreshGrants);
    public void CountUserInfoRequest() => Interlocked.Increment(ref _userInfoRequests);
    public void CountEndSessionRequest() => Interlocked.Increment(ref _endSessionRequests);

    public volatile IReadOnlyDictionary<string, string>? LastAuthorizationRequest;
    public volatile RecordedTokenRequest? LastTokenRequest;
    public volatile IReadOnlyDictionary<string, string>? LastEndSessionRequest;
    public volatile string? LastUserInfoAuthorizationHeader;
    public volatile string? LastIssuedIdToken;
    public volatile string? LastEndpointError;

    // ---- clients ---------------------------------------------------------------------------------

    public void AddClient(string id, string? secret) => _clients[id] = secret;

    public bool TryGetClient(string id, out string? secret) => _clients.TryGetValue(id, out secret);

    // ---- authorization codes ---------------------------------------------------------------------

    public string IssueCode(IssuedAuthorizationCode grant)
    {
        var code = NewHandle();
        lock (_lock)
        {
            _codes[code] = grant;
        }

        return code;
    }

    /// <summary>Looks a code up and marks it redeemed. <paramref name="alreadyRedeemed"/> tells whether it was before.</summary>
    public IssuedAuthorizationCode? RedeemCode(string code, out bool alreadyRedeemed)
    {
        lock (_lock)
        {
            if (!_codes.TryGetValue(code, out var grant))
            {
                alreadyRedeemed = false;
                return null;
            }

            alreadyRedeemed = grant.Redeemed;
            grant.Redeemed = true;
            return grant;
        }
    }

    // ---- refresh and access tokens ---------------------------------------------------------------

    public string IssueRefreshToken(IssuedRefreshToken grant)
    {
        var token = NewHandle();
        lock (_lock)
        {
            _refreshTokens[token] = grant;
        }

        return token;
    }

    /// <summary>Looks a refresh token up and marks it used (rotation). <paramref name="alreadyUsed"/> tells whether it was before.</summary>
    public IssuedRefreshToken? UseRefreshToken(string token, out bool alreadyUsed)
    {
        lock (_lock)
        {
            if (!_refreshTokens.TryGetValue(token, out var grant))
            {
                alreadyUsed = false;
                return null;
            }

            alreadyUsed = grant.Used;
            grant.Used = true;
            return grant;
        }
    }

    public string IssueAccessToken(IssuedAccessToken grant)
    {
        var token = NewHandle();
        _accessTokens[token] = grant;
        return token;
    }

    public IssuedAccessToken? FindAccessToken(string token)
        => _accessTokens.TryGetValue(token, out var grant) && grant.ExpiresAt > DateTimeOffset.UtcNow ? grant : null;

    public void ResetRecordings()
    {
        Interlocked.Exchange(ref _jwksRequests, 0);
        Interlocked.Exchange(ref _discoveryRequests, 0);
        Interlocked.Exchange(ref _authorizationRequests, 0);
        Interlocked.Exchange(ref _tokenRequests, 0);
        Interlocked.Exchange(ref _refreshGrants, 0);
        Interlocked.Exchange(ref _userInfoRequests, 0);
        Interlocked.Exchange(ref _endSessionRequests, 0);
        LastAuthorizationRequest = null;
        LastTokenRequest = null;
        LastEndSessionRequest = null;
        LastUserInfoAuthorizationHeader = null;
        LastEndpointError = null;
    }

    /// <summary>A random, URL-safe, 256-bit handle (codes, tokens, sids).</summary>
    public static string NewHandle() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
}
