using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>
/// RSA-2048 generation takes ~100-300 ms; a small pool generated in the background keeps OP start-up fast.
/// Every key is handed out exactly once, so no two OPs (or two kids) ever share key material.
/// </summary>
internal static class TestOpRsaKeyPool
{
    private const int TargetSize = 6;
    private static readonly ConcurrentQueue<RSA> Ready = new();
    private static int _refilling;

    /// <summary>A fresh RSA-2048 key the caller owns (and disposes).</summary>
    public static RSA Take()
    {
        var rsa = Ready.TryDequeue(out var pooled) ? pooled : RSA.Create(2048);
        StartRefill();
        return rsa;
    }

    private static void StartRefill()
    {
        if (Ready.Count >= TargetSize || Interlocked.CompareExchange(ref _refilling, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(() =>
        {
            try
            {
                while (Ready.Count < TargetSize)
                {
                    var rsa = RSA.Create(2048);
                    rsa.ExportParameters(includePrivateParameters: false); // forces the key to be generated now
                    Ready.Enqueue(rsa);
                }
            }
            finally
            {
                Volatile.Write(ref _refilling, 0);
            }
        });
    }
}
