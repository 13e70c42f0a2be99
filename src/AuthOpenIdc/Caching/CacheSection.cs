namespace AuthOpenIdc.Caching;

/// <summary>
/// The kinds of item in the one protected cache. Each is its own namespace: its letter is part of both
/// the hashed key and the value's binding, so an item of one kind can never be read as another.
/// </summary>
internal enum CacheSection
{
    /// <summary>Server-side sessions, keyed by session id.</summary>
    Session = 's',

    /// <summary>ID-token nonces already used (replay cache).</summary>
    Nonce = 'n',

    /// <summary>Refresh locks, keyed by the refresh token being redeemed (one refresh at a time across a farm).</summary>
    RefreshLock = 'l',

    /// <summary>Refresh results, keyed by the refresh token redeemed, kept briefly so concurrent requests reuse them.</summary>
    RefreshResult = 'e',

    /// <summary>Index from an OP session (<c>iss</c> + <c>sid</c>) or subject (<c>iss</c> + <c>sub</c>) to RP sessions, for back-channel logout.</summary>
    SessionIndex = 'd',

    /// <summary>Back-channel logout token <c>jti</c>s already used (replay cache).</summary>
    LogoutTokenId = 't',

    /// <summary>Bearer-token validation results of the resource server, keyed by scheme and access token.</summary>
    ResourceServerResult = 'a',
}
