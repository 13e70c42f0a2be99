using System.Text.Json;
using AuthOpenIdc.RelyingParty;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.Protocol;

/// <summary>
/// Discovery and JWKS for one scheme: fetched once, cached for the refresh intervals, refreshed by one
/// caller at a time, and kept when a refresh fails (a short OP outage does not stop logins that already
/// have keys). An unknown <c>kid</c> may force a JWKS refresh at most once per
/// <see cref="OidcRelyingPartyOptions.JwksForcedRefreshInterval"/>, so forged tokens cannot drive fetch storms.
/// </summary>
internal sealed class ProviderMetadataCache
{
    /// <summary>After a failed refresh, a stale copy is used for this long before the next try.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly OidcRelyingPartyOptions _options;
    private readonly OpBackchannel _backchannel;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private ProviderMetadata? _current;
    private DateTimeOffset _nextMetadataRefresh;
    private DateTimeOffset _nextJwksRefresh;
    private DateTimeOffset _lastForcedJwksRefresh = DateTimeOffset.MinValue;

    public ProviderMetadataCache(OidcRelyingPartyOptions options, OpBackchannel backchannel, TimeProvider time, ILogger logger)
    {
        _options = options;
        _backchannel = backchannel;
        _time = time;
        _logger = logger;
    }

    public async Task<ProviderMetadata> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        var now = _time.GetUtcNow();
        if (current is not null && now < _nextMetadataRefresh && now < _nextJwksRefresh)
        {
            return current;
        }

        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            now = _time.GetUtcNow();
            if (current is null || now >= _nextMetadataRefresh)
            {
                return await ReloadAsync(current, metadataToo: true, cancellationToken).ConfigureAwait(false);
            }
            if (now >= _nextJwksRefresh)
            {
                return await ReloadAsync(current, metadataToo: false, cancellationToken).ConfigureAwait(false);
            }
            return current;
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>
    /// Called when a token names a key the cached JWKS lacks (the OP rotated its keys). Returns fresh
    /// metadata, or the same snapshot when the rate limit says no.
    /// </summary>
    public async Task<ProviderMetadata> RefreshForUnknownKeyAsync(ProviderMetadata seen, CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _current ?? seen;
            if (!ReferenceEquals(current, seen))
            {
                return current; // another request refreshed meanwhile
            }
            var now = _time.GetUtcNow();
            if (now - _lastForcedJwksRefresh < _options.JwksForcedRefreshInterval)
            {
                AuthOpenIdcLog.ForcedJwksRefreshRateLimited(_logger);
                return current;
            }
            _lastForcedJwksRefresh = now;
            AuthOpenIdcLog.ForcedJwksRefresh(_logger);
            return await ReloadAsync(current, metadataToo: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private async Task<ProviderMetadata> ReloadAsync(ProviderMetadata? stale, bool metadataToo, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        try
        {
            var fresh = metadataToo || stale is null
                ? await FetchMetadataAsync(cancellationToken).ConfigureAwait(false)
                : stale;
            var keys = await FetchSigningKeysAsync(fresh.JwksUri, cancellationToken).ConfigureAwait(false);
            var result = new ProviderMetadata
            {
                Issuer = fresh.Issuer,
                AuthorizationEndpoint = fresh.AuthorizationEndpoint,
                TokenEndpoint = fresh.TokenEndpoint,
                UserInfoEndpoint = fresh.UserInfoEndpoint,
                JwksUri = fresh.JwksUri,
                EndSessionEndpoint = fresh.EndSessionEndpoint,
                RevocationEndpoint = fresh.RevocationEndpoint,
                CheckSessionIframe = fresh.CheckSessionIframe,
                IssParameterSupported = fresh.IssParameterSupported,
                Discovery = fresh.Discovery,
                SigningKeys = keys,
                FetchedAt = metadataToo || stale is null ? now : stale.FetchedAt,
                JwksFetchedAt = now,
            };
            _current = result;
            if (metadataToo || stale is null)
            {
                _nextMetadataRefresh = now + _options.MetadataRefreshInterval;
            }
            _nextJwksRefresh = now + _options.JwksRefreshInterval;
            AuthOpenIdcLog.MetadataLoaded(_logger, result.Issuer, keys.Count);
            return result;
        }
        catch (OidcProtocolException ex) when (stale is not null)
        {
            AuthOpenIdcLog.MetadataRefreshFailedUsingStale(_logger, ex.Message);
            _nextMetadataRefresh = metadataToo ? now + RetryAfterFailure : _nextMetadataRefresh;
            _nextJwksRefresh = now + RetryAfterFailure;
            return stale;
        }
    }

    private async Task<ProviderMetadata> FetchMetadataAsync(CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration? discovery = null;
        var issParameterSupported = false;
        string? revocation = null;
        if (!_options.DisableDiscovery)
        {
            var url = _options.MetadataUrl ?? _options.Issuer!.TrimEnd('/') + "/.well-known/openid-configuration";
            var response = await _backchannel.GetAsync(url, bearerToken: null, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != 200)
            {
                throw OidcProtocolException.ProviderUnavailable($"discovery answered HTTP {response.StatusCode}");
            }
            try
            {
                discovery = OpenIdConnectConfiguration.Create(response.Body);
                using var raw = JsonDocument.Parse(response.Body);
                issParameterSupported = raw.RootElement.ValueKind == JsonValueKind.Object
                    && raw.RootElement.TryGetProperty("authorization_response_iss_parameter_supported", out var iss)
                    && iss.ValueKind == JsonValueKind.True;
                revocation = raw.RootElement.ValueKind == JsonValueKind.Object
                    && raw.RootElement.TryGetProperty("revocation_endpoint", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            }
            catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidOperationException)
            {
                throw OidcProtocolException.InvalidMetadata("the discovery document is not a JSON object", ex);
            }
            if (string.IsNullOrEmpty(discovery.Issuer))
            {
                throw OidcProtocolException.InvalidMetadata("the discovery document has no issuer");
            }
            if (_options.Issuer is not null && !string.Equals(discovery.Issuer, _options.Issuer, StringComparison.Ordinal))
            {
                throw OidcProtocolException.InvalidMetadata("the discovery document's issuer differs from the configured Issuer");
            }
        }

        var issuer = _options.Issuer ?? discovery?.Issuer;
        var authorization = _options.AuthorizationEndpoint ?? discovery?.AuthorizationEndpoint;
        var token = _options.TokenEndpoint ?? discovery?.TokenEndpoint;
        if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(authorization) || string.IsNullOrEmpty(token))
        {
            throw OidcProtocolException.InvalidMetadata("the OP has no issuer, authorization_endpoint or token_endpoint");
        }
        return new ProviderMetadata
        {
            Issuer = issuer,
            AuthorizationEndpoint = authorization,
            TokenEndpoint = token,
            UserInfoEndpoint = NullIfEmpty(_options.UserInfoEndpoint ?? discovery?.UserInfoEndpoint),
            JwksUri = NullIfEmpty(_options.JwksUri ?? discovery?.JwksUri),
            EndSessionEndpoint = NullIfEmpty(_options.EndSessionEndpoint ?? discovery?.EndSessionEndpoint),
            RevocationEndpoint = NullIfEmpty(_options.RevocationEndpoint ?? revocation),
            CheckSessionIframe = NullIfEmpty(_options.CheckSessionIframe ?? discovery?.CheckSessionIframe),
            IssParameterSupported = issParameterSupported,
            Discovery = discovery,
        };
    }

    private async Task<IReadOnlyList<SecurityKey>> FetchSigningKeysAsync(string? jwksUri, CancellationToken cancellationToken)
    {
        if (jwksUri is null)
        {
            return [];
        }
        var response = await _backchannel.GetAsync(jwksUri, bearerToken: null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != 200)
        {
            throw OidcProtocolException.ProviderUnavailable($"the JWKS answered HTTP {response.StatusCode}");
        }
        try
        {
            var set = new JsonWebKeySet(response.Body);
            return set.GetSigningKeys().ToArray();
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidOperationException)
        {
            throw OidcProtocolException.InvalidMetadata("the JWKS is not a valid JSON Web Key Set", ex);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
