using System.Collections.Concurrent;

namespace AuthOpenIdc.Caching;

/// <summary>
/// Remembers the results of pure, costly computations on the hot path (a Data Protection unprotect of a cookie,
/// an HMAC of a cache key), bounded: when full it starts over rather than tracking recency, which keeps a lookup
/// one dictionary probe and the memory use capped whatever an attacker sends.
/// </summary>
internal sealed class BoundedMemo<TValue>
{
    private readonly ConcurrentDictionary<string, TValue> _entries = new(StringComparer.Ordinal);
    private readonly int _capacity;

    public BoundedMemo(int capacity)
    {
        _capacity = capacity;
    }

    public bool TryGet(string key, out TValue value) => _entries.TryGetValue(key, out value!);

    public void Add(string key, TValue value)
    {
        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }
        _entries[key] = value;
    }
}
