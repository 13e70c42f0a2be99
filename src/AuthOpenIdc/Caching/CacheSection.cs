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
}
