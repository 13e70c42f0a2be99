using System.Buffers;
using System.Buffers.Binary;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AuthOpenIdc.Claims;
using AuthOpenIdc.RelyingParty;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// A validation result as it is cached: either the reason a token was refused, or what a principal is built from
/// (the token's claims as flat triples, already mapped, so a cache hit parses no JSON) plus <c>iss</c>, <c>aud</c>
/// and <c>exp</c> for the re-check on every hit.
/// </summary>
internal sealed class ValidatedToken
{
    private const byte FormatVersion = 2;
    private const byte Valid = 1;
    private const byte Refused = 0;

    private static readonly string[] KnownValueTypes =
    [
        ClaimValueTypes.String, ClaimValueTypes.Integer64, ClaimValueTypes.Double, ClaimValueTypes.Boolean,
        JsonClaimValueTypes.Json, JsonClaimValueTypes.JsonArray,
    ];

    private ValidatedToken(string? error, string? issuer, string[] audiences, long expiresAt, string? remoteUser, (string Type, string Value, string ValueType)[] claims)
    {
        Error = error;
        Issuer = issuer;
        Audiences = audiences;
        ExpiresAt = expiresAt;
        RemoteUser = remoteUser;
        Claims = claims;
    }

    /// <summary>Why the token was refused (an <c>error_description</c>), or null for a valid token.</summary>
    public string? Error { get; }

    public string? Issuer { get; }

    public string[] Audiences { get; }

    /// <summary>Unix seconds; 0 when the token has no known expiry (introspection without one).</summary>
    public long ExpiresAt { get; }

    public string? RemoteUser { get; }

    public (string Type, string Value, string ValueType)[] Claims { get; }

    public bool IsValid => Error is null;

    /// <summary>When the shared cache entry this was read from expires (Unix seconds; 0 when not read from the cache).</summary>
    public long CachedUntil { get; private set; }

    // Built by the second CreatePrincipal; a race only builds the same templates twice.
    private volatile ClaimTemplates? _templates;
    private volatile bool _principalCreated;

    public static ValidatedToken Invalid(string description) => new(description, null, [], 0, null, []);

    /// <summary>Maps a claims object; <c>scope</c> is split into one claim per value so policies can match each.</summary>
    public static ValidatedToken FromClaims(JsonElement claimsObject, string? issuer, long expiresAt, RemoteUserMapper remoteUser)
    {
        var list = new List<Claim>(16);
        JsonClaimsMapper.AddClaims(list, claimsObject, issuer ?? "");
        var triples = new List<(string, string, string)>(list.Count + 2);
        foreach (var claim in list)
        {
            if (claim.Type == "scope" && claim.ValueType == ClaimValueTypes.String && claim.Value.Contains(' ', StringComparison.Ordinal))
            {
                foreach (var scope in claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    triples.Add(("scope", scope, ClaimValueTypes.String));
                }
                continue;
            }
            triples.Add((claim.Type, claim.Value, claim.ValueType));
        }
        var audiences = Audience(claimsObject);
        return new ValidatedToken(null, issuer, audiences, expiresAt, remoteUser.Map(claimsObject, issuer ?? ""), [.. triples]);
    }

    private static string[] Audience(JsonElement claims)
    {
        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty("aud", out var aud))
        {
            return [];
        }
        return aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()!],
            JsonValueKind.Array => [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!)],
            _ => [],
        };
    }

    /// <summary>
    /// The principal the app sees; the remote user is the name claim, as in the RP. A new principal per request (apps may
    /// change it). The first is built directly (an uncached result never gets a second); from the second on, the claims
    /// are built once per claims issuer as templates, which each identity copies (it clones every claim that belongs to
    /// no identity yet): a cached result serves many requests.
    /// </summary>
    public ClaimsPrincipal CreatePrincipal(string scheme, string claimsIssuer, string roleClaimType)
    {
        var templates = _templates;
        if (templates is null || !string.Equals(templates.ClaimsIssuer, claimsIssuer, StringComparison.Ordinal))
        {
            if (!_principalCreated)
            {
                // A race only builds a second principal this way too.
                _principalCreated = true;
                var identity = new ClaimsIdentity(scheme, OidcRelyingPartyDefaults.RemoteUserClaimType, roleClaimType);
                identity.AddClaims(NewClaims(claimsIssuer, identity));
                return new ClaimsPrincipal(identity);
            }
            templates = new ClaimTemplates(claimsIssuer, NewClaims(claimsIssuer, subject: null));
            _templates = templates;
        }
        return new ClaimsPrincipal(new ClaimsIdentity(templates.Claims, scheme, OidcRelyingPartyDefaults.RemoteUserClaimType, roleClaimType));
    }

    /// <param name="claimsIssuer">The issuer of every claim.</param>
    /// <param name="subject">The identity the claims are made for (which then keeps them as they are), or null for templates.</param>
    private Claim[] NewClaims(string claimsIssuer, ClaimsIdentity? subject)
    {
        var offset = RemoteUser is null ? 0 : 1;
        var claims = new Claim[Claims.Length + offset];
        if (RemoteUser is not null)
        {
            claims[0] = new Claim(OidcRelyingPartyDefaults.RemoteUserClaimType, RemoteUser, ClaimValueTypes.String, claimsIssuer, claimsIssuer, subject);
        }
        for (var i = 0; i < Claims.Length; i++)
        {
            var (type, value, valueType) = Claims[i];
            claims[i + offset] = new Claim(type, value, valueType, claimsIssuer, claimsIssuer, subject);
        }
        return claims;
    }

    /// <summary>The template claims of <see cref="CreatePrincipal"/> for one claims issuer (a scheme has one).</summary>
    private sealed record ClaimTemplates(string ClaimsIssuer, Claim[] Claims);

    // ---- Compact binary form ---------------------------------------------------------------------

    /// <param name="cachedUntil">When the cache entry expires (Unix seconds), so the in-process copy of a reader never outlives it.</param>
    public byte[] Serialize(long cachedUntil)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write([FormatVersion, IsValid ? Valid : Refused]);
        WriteInt64(buffer, cachedUntil);
        if (!IsValid)
        {
            WriteString(buffer, Error);
            return buffer.WrittenSpan.ToArray();
        }
        WriteString(buffer, Issuer);
        WriteInt64(buffer, ExpiresAt);
        WriteString(buffer, RemoteUser);
        WriteInt32(buffer, Audiences.Length);
        foreach (var audience in Audiences)
        {
            WriteString(buffer, audience);
        }
        WriteInt32(buffer, Claims.Length);
        foreach (var (type, value, valueType) in Claims)
        {
            WriteString(buffer, type);
            WriteString(buffer, value);
            var known = Array.IndexOf(KnownValueTypes, valueType);
            buffer.Write([(byte)(known < 0 ? 255 : known)]);
            if (known < 0)
            {
                WriteString(buffer, valueType);
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a cached entry; null when it is not in this format (treated as a miss).</summary>
    public static ValidatedToken? Deserialize(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Reader(data);
            if (reader.Byte() != FormatVersion)
            {
                return null;
            }
            var refused = reader.Byte() == Refused;
            var cachedUntil = reader.Int64();
            if (refused)
            {
                var invalid = Invalid(reader.String() ?? "invalid token");
                invalid.CachedUntil = cachedUntil;
                return invalid;
            }
            var issuer = reader.String();
            var expiresAt = reader.Int64();
            var remoteUser = reader.String();
            var audiences = new string[reader.Count()];
            for (var i = 0; i < audiences.Length; i++)
            {
                audiences[i] = reader.String() ?? "";
            }
            var claims = new (string, string, string)[reader.Count()];
            for (var i = 0; i < claims.Length; i++)
            {
                var type = reader.String() ?? "";
                var value = reader.String() ?? "";
                var code = reader.Byte();
                var valueType = code < KnownValueTypes.Length ? KnownValueTypes[code] : reader.String() ?? ClaimValueTypes.String;
                claims[i] = (type, value, valueType);
            }
            return new ValidatedToken(null, issuer, audiences, expiresAt, remoteUser, claims) { CachedUntil = cachedUntil };
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void WriteInt32(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            WriteInt32(buffer, -1);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        WriteInt32(buffer, length);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(length));
        buffer.Advance(length);
    }

    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _position;

        public Reader(ReadOnlySpan<byte> data)
        {
            _data = data;
            _position = 0;
        }

        public byte Byte() => Take(1)[0];

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public int Count()
        {
            var count = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            // Each element takes at least 4 bytes: a corrupt count cannot make us allocate more than the data.
            return count < 0 || count > (_data.Length - _position) / 4 ? throw new FormatException() : count;
        }

        public string? String()
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            if (length == -1)
            {
                return null;
            }
            if (length < 0)
            {
                throw new FormatException();
            }
            return Encoding.UTF8.GetString(Take(length));
        }

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length > _data.Length - _position)
            {
                throw new FormatException();
            }
            var slice = _data.Slice(_position, length);
            _position += length;
            return slice;
        }
    }
}
