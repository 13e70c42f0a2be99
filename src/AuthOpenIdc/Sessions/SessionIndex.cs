using System.Text.Json;
using AuthOpenIdc.Caching;

namespace AuthOpenIdc.Sessions;

/// <summary>
/// From an OP session (<c>iss</c> + <c>sid</c>) and from a subject (<c>iss</c> + <c>sub</c>) to the RP sessions they
/// created, so a back-channel logout received by any instance ends them all (mod_auth_openidc's sid/sub index).
/// Entries are lists, capped, and expire with the longest session; ids of sessions that ended meanwhile are harmless.
/// </summary>
internal sealed class SessionIndex
{
    private const int MaxSessionsPerKey = 32;
    private const int MaxAppendAttempts = 6;

    private readonly ProtectedCache _cache;

    public SessionIndex(ProtectedCache cache)
    {
        _cache = cache;
    }

    public async Task AddAsync(OidcSession session, string sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (session.Sid is not null)
        {
            await AppendAsync(SidKey(session.Issuer, session.Sid), sessionId, expiresAt, cancellationToken).ConfigureAwait(false);
        }
        await AppendAsync(SubKey(session.Issuer, session.Subject), sessionId, expiresAt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sessions of an OP session (when <paramref name="sid"/> is given) or else of a subject; the entry is removed.</summary>
    public async Task<IReadOnlyList<string>> TakeAsync(string issuer, string? sid, string? subject, CancellationToken cancellationToken)
    {
        var key = sid is not null ? SidKey(issuer, sid) : SubKey(issuer, subject!);
        var ids = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        await _cache.RemoveAsync(CacheSection.SessionIndex, key, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>
    /// Read, add, write, then read back: an <c>IDistributedCache</c> has no atomic append, so two logins of one user at
    /// the same moment can overwrite each other's entry. The one that finds its id missing writes again (a few
    /// times, after a random pause), which converges quickly; the index is best effort beyond that.
    /// </summary>
    private async Task AppendAsync(string key, string sessionId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAppendAttempts; attempt++)
        {
            var ids = (await ReadAsync(key, cancellationToken).ConfigureAwait(false)).ToList();
            if (attempt > 0 && ids.Contains(sessionId, StringComparer.Ordinal))
            {
                return;
            }
            ids.Remove(sessionId);
            ids.Add(sessionId);
            if (ids.Count > MaxSessionsPerKey)
            {
                ids.RemoveRange(0, ids.Count - MaxSessionsPerKey);
            }
            await _cache.SetAsync(CacheSection.SessionIndex, key, JsonSerializer.SerializeToUtf8Bytes(ids, SessionIndexJsonContext.Default.ListString), expiresAt, cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(10 + Random.Shared.Next(40)), cancellationToken).ConfigureAwait(false);
            if ((await ReadAsync(key, cancellationToken).ConfigureAwait(false)).Contains(sessionId, StringComparer.Ordinal))
            {
                return;
            }
        }
    }

    private async Task<IReadOnlyList<string>> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await _cache.GetAsync(CacheSection.SessionIndex, key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? [] : JsonSerializer.Deserialize(bytes, SessionIndexJsonContext.Default.ListString) ?? [];
    }

    private static string SidKey(string issuer, string sid) => "sid|" + issuer + "|" + sid;

    private static string SubKey(string issuer, string subject) => "sub|" + issuer + "|" + subject;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
internal sealed partial class SessionIndexJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
