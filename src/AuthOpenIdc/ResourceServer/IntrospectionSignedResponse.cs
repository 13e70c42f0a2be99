namespace AuthOpenIdc.ResourceServer;

/// <summary>
/// Whether introspection responses are asked for, and accepted, as signed JWTs (RFC 9701,
/// <c>application/token-introspection+jwt</c>).
/// </summary>
public enum IntrospectionSignedResponse
{
    /// <summary>Plain JSON only (the default): no JWT is asked for, and a JWT answer is treated as an unusable authorization server.</summary>
    Off = 0,

    /// <summary>Ask for a JWT (and still accept plain JSON); a JWT answer must pass verification.</summary>
    Allow = 1,

    /// <summary>Ask for a JWT and accept nothing else: a plain JSON answer is treated as an unusable authorization server.</summary>
    Require = 2,
}
