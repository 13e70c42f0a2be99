using System.Text.Json;
using AuthOpenIdc.Caching;
using AuthOpenIdc.Protocol;

namespace AuthOpenIdc.Sessions;

/// <summary>Server-side sessions in the protected cache, keyed by a random 256-bit id.</summary>
internal sealed class SessionStore
{
    private readonly ProtectedCache _cache;

    /// <summary>
    /// Decoded sessions, remembered against the payload array the cache returned: with an in-process backend that is
    /// the same array until the session is written again, so a hot session is parsed once per write. Each request
    /// gets its own copy.
    /// </summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], OidcSession> _decoded = new();

    public SessionStore(ProtectedCache cache)
    {
        _cache = cache;
    }

    public static string NewId() => ProtocolRandom.NewValue(32);

    public async Task<OidcSession?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var bytes = await _cache.GetAsync(CacheSection.Session, id, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }
        if (_decoded.TryGetValue(bytes, out var known))
        {
            return known.Copy();
        }
        try
        {
            var session = JsonSerializer.Deserialize(bytes, OidcSessionJsonContext.Default.OidcSession);
            if (session is not null)
            {
                _decoded.AddOrUpdate(bytes, session);
                return session.Copy();
            }
            return null;
        }
        catch (JsonException)
        {
            return null; // authenticated by the cache, so only a format change gets here: treat as no session
        }
    }

    public Task SaveAsync(string id, OidcSession session, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(session, OidcSessionJsonContext.Default.OidcSession);
        return _cache.SetAsync(CacheSection.Session, id, bytes, expiresAt, cancellationToken);
    }

    public Task RemoveAsync(string id, CancellationToken cancellationToken) =>
        _cache.RemoveAsync(CacheSection.Session, id, cancellationToken);
}
