using System.Diagnostics.CodeAnalysis;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.TestOp;

/// <summary>How the authorization response carries the RFC 9207 <c>iss</c> parameter.</summary>
public enum IssParameterMode
{
    /// <summary><c>iss</c> equals the OP's issuer identifier.</summary>
    Correct,

    /// <summary>No <c>iss</c> parameter (while discovery may still advertise support).</summary>
    Omit,

    /// <summary><c>iss</c> is <see cref="ScriptableOpBehavior.WrongIssuerValue"/> (mix-up attack).</summary>
    Wrong,
}

/// <summary>A defect injected into the ID token; each one must make a conforming RP reject the token.</summary>
public enum IdTokenAttack
{
    /// <summary>A well-formed, correctly signed token.</summary>
    None,

    /// <summary>The signature bytes are flipped.</summary>
    BadSignature,

    /// <summary>The header still says RS256 (or the configured algorithm) but the signature segment is empty.</summary>
    SignatureStripped,

    /// <summary>Header <c>alg: none</c> with an empty signature.</summary>
    AlgNone,

    /// <summary>HS256 HMAC keyed with the PEM text of the RSA signing key's public key (key confusion).</summary>
    Hs256WithRsaPublicKey,

    /// <summary>HS256 HMAC keyed with the DER SubjectPublicKeyInfo bytes of the RSA signing key (key confusion).</summary>
    Hs256WithRsaPublicKeyDer,

    /// <summary>Signed by a real RSA key whose kid never appears in the JWKS.</summary>
    UnknownKid,

    /// <summary><c>aud</c> is another client.</summary>
    WrongAudience,

    /// <summary>No <c>aud</c> claim at all.</summary>
    MissingAudience,

    /// <summary><c>aud</c> is <c>[client, other]</c> and <c>azp</c> is the other client.</summary>
    AzpMismatch,

    /// <summary><c>aud</c> is <c>[client, other]</c> without an <c>azp</c> claim.</summary>
    MultipleAudiencesNoAzp,

    /// <summary><c>iss</c> is <see cref="ScriptableOpBehavior.WrongIssuerValue"/>.</summary>
    WrongIssuer,

    /// <summary><c>exp</c> one hour in the past, <c>iat</c> (and <c>auth_time</c>) two hours in the past.</summary>
    Expired,

    /// <summary>No <c>exp</c> claim.</summary>
    MissingExp,

    /// <summary>No <c>iat</c> claim.</summary>
    MissingIat,

    /// <summary><c>iat</c> one hour in the future (and <c>exp</c> after it).</summary>
    IatFarInFuture,

    /// <summary>No <c>sub</c> claim.</summary>
    MissingSub,

    /// <summary><c>nonce</c> differs from the one sent in the authorization request.</summary>
    NonceMismatch,

    /// <summary>No <c>nonce</c> claim although the authorization request carried one.</summary>
    MissingNonce,
}

/// <summary>
/// Everything the test OP can be told to do differently. Mutable on purpose: set a property before the
/// request that should observe it. <see cref="Reset"/> restores the well-behaved defaults.
/// </summary>
public sealed class ScriptableOpBehavior
{
    /// <summary>The issuer value used by the "wrong issuer" attacks (ID token <c>iss</c>, authorization response <c>iss</c>).</summary>
    public const string WrongIssuerValue = "https://evil.example.com";

    /// <summary>The second audience used by <see cref="IdTokenAttack.AzpMismatch"/> and friends.</summary>
    public const string OtherAudience = "some-other-client";

    /// <summary>Creates the default (well-behaved) behaviour.</summary>
    public ScriptableOpBehavior() => Reset();

    // ---- discovery -------------------------------------------------------------------------------

    /// <summary>The <c>issuer</c> advertised by discovery; null = the real issuer.</summary>
    public string? DiscoveryIssuer { get; set; }

    /// <summary>Discovery metadata names to leave out (e.g. <c>userinfo_endpoint</c>).</summary>
    public ISet<string> OmittedDiscoveryFields { get; private set; }

    /// <summary>Discovery fields to add or replace; values are serialized with System.Text.Json.</summary>
    public IDictionary<string, object?> DiscoveryOverrides { get; private set; }

    /// <summary>Value of <c>authorization_response_iss_parameter_supported</c> in discovery.</summary>
    public bool AuthorizationResponseIssParameterSupported { get; set; }

    /// <summary>Forces the discovery status code (with an HTML body).</summary>
    public int? DiscoveryStatus { get; set; }

    /// <summary>Forces a raw discovery body (served as application/json).</summary>
    public string? DiscoveryBody { get; set; }

    // ---- JWKS ------------------------------------------------------------------------------------

    /// <summary>When true, a key added by <c>RotateSigningKey</c> is in the very next JWKS response.</summary>
    public bool PublishNewKeyImmediately { get; set; }

    /// <summary>When <see cref="PublishNewKeyImmediately"/> is false: how many JWKS fetches after the rotation still omit the new key.</summary>
    public int NewKeyWithheldForJwksFetches { get; set; }

    /// <summary>Forces the JWKS status code (with an HTML body).</summary>
    public int? JwksStatus { get; set; }

    /// <summary>Forces a raw JWKS body (served as application/json).</summary>
    public string? JwksBody { get; set; }

    // ---- authorization endpoint ------------------------------------------------------------------

    /// <summary>How the authorization response carries <c>iss</c>.</summary>
    public IssParameterMode IssParameter { get; set; }

    /// <summary>When set, the authorization response is this error (e.g. <c>access_denied</c>) instead of a code.</summary>
    public string? AuthorizationError { get; set; }

    /// <summary>The <c>error_description</c> sent with <see cref="AuthorizationError"/>; contains markup by default to test escaping.</summary>
    public string? AuthorizationErrorDescription { get; set; }

    /// <summary>Replaces the <c>state</c> echoed back (CSRF / state-mismatch attack); null = echo the request's state.</summary>
    public string? StateOverride { get; set; }

    /// <summary>Parameters appended to the authorization response after the regular ones, even if the name is already present (e.g. a second <c>state</c>).</summary>
    public IList<KeyValuePair<string, string>> ExtraAuthorizationResponseParameters { get; private set; }

    /// <summary>How long an authorization code stays redeemable.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; }

    // ---- token endpoint --------------------------------------------------------------------------

    /// <summary>Lets an authorization code be redeemed more than once.</summary>
    public bool AllowCodeReuse { get; set; }

    /// <summary>When set, the token endpoint answers 400 with <c>{"error": value}</c> (e.g. <c>invalid_grant</c>).</summary>
    public string? TokenError { get; set; }

    /// <summary>Forces the token endpoint status code (e.g. 500) with an HTML body.</summary>
    public int? TokenEndpointStatus { get; set; }

    /// <summary>Forces a raw token endpoint body (status 200, <see cref="TokenResponseContentType"/>).</summary>
    public string? TokenResponseBody { get; set; }

    /// <summary>Content type used with <see cref="TokenResponseBody"/>.</summary>
    public string TokenResponseContentType { get; set; }

    /// <summary>Delay before the token endpoint answers (slow OP).</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>The <c>token_type</c> in token responses.</summary>
    public string TokenType { get; set; }

    /// <summary>The <c>expires_in</c> (seconds) of access tokens.</summary>
    public int AccessTokenLifetimeSeconds { get; set; }

    /// <summary>Whether code and refresh grants return a (rotated) refresh token.</summary>
    public bool IssueRefreshToken { get; set; }

    /// <summary>Leaves <c>id_token</c> out of the authorization-code token response.</summary>
    public bool OmitIdToken { get; set; }

    /// <summary>Whether refresh grants return a new ID token.</summary>
    public bool IncludeIdTokenInRefreshResponse { get; set; }

    /// <summary>Returns the ID token of the previous successful token response instead of a fresh one.</summary>
    public bool ReplayPreviousIdToken { get; set; }

    // ---- ID token --------------------------------------------------------------------------------

    /// <summary>The <c>sub</c> of ID tokens and (unless <see cref="UserInfoSub"/>) of userinfo.</summary>
    public string Subject { get; set; }

    /// <summary>The <c>iss</c> of ID tokens; null = the real issuer.</summary>
    public string? IdTokenIssuer { get; set; }

    /// <summary>ID token signing algorithm: RS256, ES256, PS256, or HS256 (client secret as key).</summary>
    public string SigningAlgorithm { get; set; }

    /// <summary>The injected ID token defect.</summary>
    public IdTokenAttack IdTokenAttack { get; set; }

    /// <summary>ID token lifetime (exp - iat).</summary>
    public TimeSpan IdTokenLifetime { get; set; }

    /// <summary>Claims added to (or replacing claims of) the ID token; values may be nested dictionaries or arrays.</summary>
    public IDictionary<string, object?> ExtraIdTokenClaims { get; private set; }

    // ---- userinfo --------------------------------------------------------------------------------

    /// <summary>Replaces userinfo <c>sub</c> (sub-mismatch attack).</summary>
    public string? UserInfoSub { get; set; }

    /// <summary>Forces the userinfo status code (with an HTML body).</summary>
    public int? UserInfoStatus { get; set; }

    /// <summary>Forces a raw userinfo body (status 200, application/json), e.g. a JSON array or not JSON.</summary>
    public string? UserInfoBody { get; set; }

    /// <summary>Serve userinfo as a signed JWT (<c>application/jwt</c>, RS256, with iss and aud) instead of JSON; with <see cref="UserInfoBody"/>, that raw body as <c>application/jwt</c>.</summary>
    public bool SignUserInfo { get; set; }

    /// <summary>Claims added to (or replacing claims of) the userinfo response.</summary>
    public IDictionary<string, object?> ExtraUserInfoClaims { get; private set; }

    /// <summary>Restores every property to its well-behaved default.</summary>
    [MemberNotNull(nameof(OmittedDiscoveryFields), nameof(DiscoveryOverrides), nameof(ExtraAuthorizationResponseParameters),
        nameof(TokenResponseContentType), nameof(TokenType), nameof(Subject), nameof(SigningAlgorithm),
        nameof(ExtraIdTokenClaims), nameof(ExtraUserInfoClaims))]
    public void Reset()
    {
        DiscoveryIssuer = null;
        OmittedDiscoveryFields = new HashSet<string>(StringComparer.Ordinal);
        DiscoveryOverrides = new Dictionary<string, object?>(StringComparer.Ordinal);
        AuthorizationResponseIssParameterSupported = true;
        DiscoveryStatus = null;
        DiscoveryBody = null;

        PublishNewKeyImmediately = true;
        NewKeyWithheldForJwksFetches = 1;
        JwksStatus = null;
        JwksBody = null;

        IssParameter = IssParameterMode.Correct;
        AuthorizationError = null;
        AuthorizationErrorDescription = "The user said no <script>alert(1)</script> & \"quotes\"";
        StateOverride = null;
        ExtraAuthorizationResponseParameters = new List<KeyValuePair<string, string>>();
        AuthorizationCodeLifetime = TimeSpan.FromSeconds(60);

        AllowCodeReuse = false;
        TokenError = null;
        TokenEndpointStatus = null;
        TokenResponseBody = null;
        TokenResponseContentType = "application/json";
        TokenDelay = TimeSpan.Zero;
        TokenType = "Bearer";
        AccessTokenLifetimeSeconds = 3600;
        IssueRefreshToken = true;
        OmitIdToken = false;
        IncludeIdTokenInRefreshResponse = true;
        ReplayPreviousIdToken = false;

        Subject = "alice";
        IdTokenIssuer = null;
        SigningAlgorithm = "RS256";
        IdTokenAttack = IdTokenAttack.None;
        IdTokenLifetime = TimeSpan.FromSeconds(300);
        ExtraIdTokenClaims = new Dictionary<string, object?>(StringComparer.Ordinal);

        UserInfoSub = null;
        UserInfoStatus = null;
        UserInfoBody = null;
        SignUserInfo = false;
        ExtraUserInfoClaims = new Dictionary<string, object?>(StringComparer.Ordinal);
    }
}
