using System.Globalization;
using System.Text.Json;
using AuthOpenIdc.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// The resource server's view of its authorization server: metadata (OIDC discovery or RFC 8414), signing keys
/// (cached, refreshed on an unknown <c>kid</c> at most once per <see cref="OAuthResourceServerOptions.JwksForcedRefreshInterval"/>)
/// and the introspection call. A failed refresh keeps the previous keys; with none, it throws
/// <see cref="OidcProtocolException"/> and the request answers 503.
/// </summary>
internal sealed class AuthorizationServerClient
{
    private readonly OAuthResourceServerOptions _options;
    private readonly OpBackchannel _backchannel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _scheme;
    private readonly SemaphoreSlim _metadataLock = new(1, 1);
    private readonly SemaphoreSlim _keysLock = new(1, 1);
    private readonly SignedIntrospectionResponse _signedResponse;
    private readonly ClientAuthenticator _client;

    private Metadata? _metadata;
    private DateTimeOffset _metadataExpires;
    private SecurityKey[]? _keys;
    private DateTimeOffset _keysExpires;
    private DateTimeOffset _lastForcedRefresh = DateTimeOffset.MinValue;

    public AuthorizationServerClient(string scheme, OAuthResourceServerOptions options, OpBackchannel backchannel, TimeProvider time, ILogger logger)
    {
        _scheme = scheme;
        _options = options;
        _backchannel = backchannel;
        _time = time;
        _logger = logger;
        _signedResponse = new SignedIntrospectionResponse(scheme, options, GetSigningKeysAsync, time, logger);
        _client = new ClientAuthenticator(OAuthResourceServerOptionsValidator.ClientAuthenticationMethod(options.IntrospectionAuthMethod), options.ClientId ?? string.Empty, options.ClientSecret, options.ClientAssertion,
            new Lazy<ClientKeys>(() => ClientKeys.Load(options.ClientAssertion.PrivateKeyFiles)), time);
    }

    public sealed record Metadata(string? Issuer, string? JwksUri, string? IntrospectionEndpoint);

    /// <summary>Counts JWKS fetches (diagnostics and tests).</summary>
    public int JwksFetches { get; private set; }

    /// <summary>The signing keys; <paramref name="unknownKid"/> forces a (rate-limited) refresh when no key has it.</summary>
    public async Task<IReadOnlyList<SecurityKey>> GetSigningKeysAsync(string? unknownKid, CancellationToken cancellationToken)
    {
        var keys = Volatile.Read(ref _keys);
        var now = _time.GetUtcNow();
        if (keys is not null && now < _keysExpires && (unknownKid is null || HasKid(keys, unknownKid) || now - _lastForcedRefresh < _options.JwksForcedRefreshInterval))
        {
            return keys;
        }
        await _keysLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            keys = _keys;
            now = _time.GetUtcNow();
            var stale = keys is null || now >= _keysExpires;
            var forced = unknownKid is not null && keys is not null && !HasKid(keys, unknownKid) && now - _lastForcedRefresh >= _options.JwksForcedRefreshInterval;
            if (!stale && !forced)
            {
                return keys!;
            }
            if (forced)
            {
                _lastForcedRefresh = now;
            }
            try
            {
                var loaded = await LoadKeysAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _keys, loaded);
                _keysExpires = now + _options.JwksRefreshInterval;
                AuthOpenIdcLog.ResourceServerJwksLoaded(_logger, _scheme, loaded.Length);
                return loaded;
            }
            catch (OidcProtocolException ex) when (keys is not null)
            {
                AuthOpenIdcLog.ResourceServerKeysRefreshFailed(_logger, _scheme, ex.Message);
                // Try again after the forced-refresh interval, not on every request.
                _keysExpires = now + _options.JwksForcedRefreshInterval;
                return keys;
            }
        }
        finally
        {
            _keysLock.Release();
        }
    }

    private static bool HasKid(SecurityKey[] keys, string kid)
    {
        foreach (var key in keys)
        {
            if (string.Equals(key.KeyId, kid, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private async Task<SecurityKey[]> LoadKeysAsync(CancellationToken cancellationToken)
    {
        var keys = new List<SecurityKey>(_options.SigningKeys);
        var useRemote = !string.IsNullOrEmpty(_options.JwksUri) || !string.IsNullOrEmpty(_options.MetadataUrl) || _options.SigningKeys.Count == 0;
        if (useRemote)
        {
            var jwksUri = _options.JwksUri;
            if (string.IsNullOrEmpty(jwksUri))
            {
                jwksUri = (await GetMetadataAsync(cancellationToken).ConfigureAwait(false)).JwksUri
                    ?? throw OidcProtocolException.InvalidMetadata("the authorization server's metadata has no jwks_uri");
            }
            var response = await _backchannel.GetAsync(jwksUri, bearerToken: null, cancellationToken).ConfigureAwait(false);
            JwksFetches++;
            if (response.StatusCode != 200)
            {
                throw OidcProtocolException.ProviderUnavailable($"the JWKS endpoint answered {response.StatusCode}");
            }
            try
            {
                keys.AddRange(new JsonWebKeySet(response.Body).GetSigningKeys());
            }
            catch (ArgumentException ex)
            {
                throw OidcProtocolException.InvalidMetadata("the JWKS is not valid JSON Web Key Set", ex);
            }
        }
        return [.. keys];
    }

    public async Task<Metadata> GetMetadataAsync(CancellationToken cancellationToken)
    {
        var metadata = Volatile.Read(ref _metadata);
        if (metadata is not null && _time.GetUtcNow() < _metadataExpires)
        {
            return metadata;
        }
        await _metadataLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_metadata is not null && now < _metadataExpires)
            {
                return _metadata;
            }
            try
            {
                metadata = await LoadMetadataAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _metadata, metadata);
                _metadataExpires = now + _options.MetadataRefreshInterval;
                return metadata;
            }
            catch (OidcProtocolException ex) when (_metadata is not null)
            {
                AuthOpenIdcLog.ResourceServerKeysRefreshFailed(_logger, _scheme, ex.Message);
                _metadataExpires = now + _options.JwksForcedRefreshInterval;
                return _metadata;
            }
        }
        finally
        {
            _metadataLock.Release();
        }
    }

    private async Task<Metadata> LoadMetadataAsync(CancellationToken cancellationToken)
    {
        string[] candidates = !string.IsNullOrEmpty(_options.MetadataUrl)
            ? [_options.MetadataUrl]
            : !string.IsNullOrEmpty(_options.Issuer)
                ? [_options.Issuer.TrimEnd('/') + "/.well-known/openid-configuration", _options.Issuer.TrimEnd('/') + "/.well-known/oauth-authorization-server"]
                : throw OidcProtocolException.InvalidMetadata("no Issuer or MetadataUrl to read the authorization server's metadata from");
        for (var i = 0; i < candidates.Length; i++)
        {
            var response = await _backchannel.GetAsync(candidates[i], bearerToken: null, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == 404 && i < candidates.Length - 1)
            {
                continue;
            }
            if (response.StatusCode != 200)
            {
                throw OidcProtocolException.ProviderUnavailable($"the metadata endpoint answered {response.StatusCode}");
            }
            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = OpenIdConnectConfiguration.Create(response.Body);
            }
            catch (ArgumentException ex)
            {
                throw OidcProtocolException.InvalidMetadata("the authorization server's metadata is not a JSON object", ex);
            }
            if (!string.IsNullOrEmpty(_options.Issuer) && !string.Equals(configuration.Issuer, _options.Issuer, StringComparison.Ordinal))
            {
                throw OidcProtocolException.InvalidMetadata("the metadata's issuer differs from the configured Issuer");
            }
            var introspection = configuration.IntrospectionEndpoint;
            return new Metadata(configuration.Issuer, Empty(configuration.JwksUri), Empty(introspection));
        }
        throw OidcProtocolException.InvalidMetadata("no metadata document found");
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>RFC 9701 §4: the JWT media type when signed responses are wanted, plain JSON as a second choice unless they are required.</summary>
    private string Accept => _options.IntrospectionSignedResponse switch
    {
        IntrospectionSignedResponse.Require => SignedIntrospectionResponse.MediaType,
        IntrospectionSignedResponse.Allow => SignedIntrospectionResponse.MediaType + ", application/json;q=0.5",
        _ => "application/json",
    };

    /// <summary>
    /// RFC 7662 introspection, by POST or GET, optionally signed (RFC 9701). Returns the response object (a clone),
    /// or throws when the server is unusable or its answer cannot be trusted.
    /// </summary>
    public async Task<JsonElement?> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        var endpoint = _options.IntrospectionEndpoint;
        if (string.IsNullOrEmpty(endpoint))
        {
            endpoint = (await GetMetadataAsync(cancellationToken).ConfigureAwait(false)).IntrospectionEndpoint
                ?? throw OidcProtocolException.InvalidMetadata("the authorization server's metadata has no introspection_endpoint");
        }
        var form = new List<KeyValuePair<string, string>>(6)
        {
            new(_options.IntrospectionTokenParameterName, token),
            new("token_type_hint", "access_token"),
        };
        foreach (var (name, value) in _options.IntrospectionParameters)
        {
            form.Add(new(name, value));
        }
        var authorization = _client.Apply(form, endpoint, _options.Issuer);
        var method = _options.IntrospectionMethod == IntrospectionMethod.Get ? HttpMethod.Get : HttpMethod.Post;
        var response = await _backchannel.SendParametersAsync(method, endpoint, form, authorization, Accept, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == 400 && OAuthErrorCode.FromBody(response.Body) == "unsupported_token_type")
        {
            // RFC 7009 §2.2.1's code, which servers also send from introspection for a token kind they do not
            // issue (e.g. a JWT to an opaque-token server): the token is unusable here, the server is fine.
            return null;
        }
        if (response.StatusCode != 200)
        {
            throw OidcProtocolException.ProviderUnavailable(string.Create(CultureInfo.InvariantCulture, $"the introspection endpoint answered {response.StatusCode}"));
        }
        if (string.Equals(response.MediaType, SignedIntrospectionResponse.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return _options.IntrospectionSignedResponse == IntrospectionSignedResponse.Off
                ? throw _signedResponse.Reject("nobody asked for it, as IntrospectionSignedResponse is Off")
                : await _signedResponse.ReadAsync(response.Body, cancellationToken).ConfigureAwait(false);
        }
        if (_options.IntrospectionSignedResponse == IntrospectionSignedResponse.Require)
        {
            throw _signedResponse.Reject("it is plain JSON, and IntrospectionSignedResponse is Require");
        }
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw OidcProtocolException.ProviderUnavailable("the introspection response is not a JSON object");
            }
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw OidcProtocolException.ProviderUnavailable("the introspection response is not JSON", ex);
        }
    }
}
