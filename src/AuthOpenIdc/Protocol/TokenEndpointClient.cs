using AuthOpenIdc.RelyingParty;

namespace AuthOpenIdc.Protocol;

/// <summary>The token endpoint: the code exchange (and, later, refresh) with the configured client authentication.</summary>
internal sealed class TokenEndpointClient
{
    private readonly OidcRelyingPartyOptions _options;
    private readonly OpBackchannel _backchannel;
    private readonly ClientAuthenticator _client;

    /// <summary>Configured extra parameters can never carry client credentials (which would be sent twice).</summary>
    private static readonly HashSet<string> ClientAuthenticationParameters = new(StringComparer.Ordinal)
    {
        "client_id", "client_secret", "client_assertion", "client_assertion_type",
    };

    public TokenEndpointClient(OidcRelyingPartyOptions options, OpBackchannel backchannel, ClientAuthenticator client)
    {
        _options = options;
        _backchannel = backchannel;
        _client = client;
    }

    public Task<TokenResponse> RedeemCodeAsync(ProviderMetadata provider, string code, string codeVerifier, string redirectUri, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", redirectUri),
            new("code_verifier", codeVerifier),
        };
        return SendAsync(provider, form, cancellationToken);
    }

    /// <summary>The refresh-token grant (RFC 6749 §6); scope is left out, so the OP keeps the granted one.</summary>
    public Task<TokenResponse> RefreshAsync(ProviderMetadata provider, string refreshToken, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
        };
        return SendAsync(provider, form, cancellationToken);
    }

    /// <summary>
    /// RFC 7009 revocation with the same client authentication. Best effort: the RP forgets the token either way,
    /// so a refusal is only logged by the caller. Returns null when revoked, else the OAuth error code (sanitized),
    /// e.g. <c>unsupported_token_type</c> from an OP that cannot revoke self-contained (JWT) access tokens.
    /// </summary>
    public async Task<string?> RevokeAsync(ProviderMetadata provider, string endpoint, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("token", token), new("token_type_hint", tokenTypeHint) };
        var response = await PostWithClientAuthenticationAsync(provider, endpoint, form, extraParameters: false, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == 200 ? null : OAuthErrorCode.FromBody(response.Body);
    }

    private async Task<TokenResponse> SendAsync(ProviderMetadata provider, List<KeyValuePair<string, string>> form, CancellationToken cancellationToken)
    {
        var response = await PostWithClientAuthenticationAsync(provider, provider.TokenEndpoint, form, extraParameters: true, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is >= 400 and < 500)
        {
            throw OidcProtocolException.TokenRequestFailed($"the token endpoint answered HTTP {response.StatusCode} with error '{OAuthErrorCode.FromBody(response.Body)}'");
        }
        if (response.StatusCode != 200)
        {
            throw OidcProtocolException.ProviderUnavailable($"the token endpoint answered HTTP {response.StatusCode}");
        }
        var tokens = TokenResponse.Parse(response.Body);
        if (tokens.AccessToken is not null && tokens.TokenType is not null
            && !string.Equals(tokens.TokenType, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw OidcProtocolException.TokenRequestFailed("the token endpoint issued a token_type other than Bearer");
        }
        return tokens;
    }

    private async Task<OpBackchannel.Response> PostWithClientAuthenticationAsync(ProviderMetadata provider, string endpoint, List<KeyValuePair<string, string>> form, bool extraParameters, CancellationToken cancellationToken)
    {
        foreach (var (name, value) in extraParameters ? _options.TokenEndpointParameters : new Dictionary<string, string>())
        {
            if (!form.Exists(p => p.Key == name) && !ClientAuthenticationParameters.Contains(name))
            {
                form.Add(new(name, value));
            }
        }
        // An assertion's audience is the token endpoint (OIDC Core §9) for revocation too, or the issuer.
        var authorization = _client.Apply(form, provider.TokenEndpoint, provider.Issuer);
        return await _backchannel.PostFormAsync(endpoint, form, authorization, cancellationToken).ConfigureAwait(false);
    }
}
