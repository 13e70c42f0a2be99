namespace AuthOpenIdc.Authorization;

/// <summary>
/// What evaluating a <see cref="ClaimRequirement"/> found: besides the verdict, the two silent
/// no-match causes an operator needs to hear about, so the handler can log them.
/// </summary>
[Flags]
internal enum ClaimEvaluation
{
    /// <summary>No claim value matched.</summary>
    None = 0,

    /// <summary>A claim value matched.</summary>
    Matched = 1,

    /// <summary>A regular-expression match ran past <see cref="ClaimRequirement.MatchTimeout"/> and counted as no match.</summary>
    RegexTimedOut = 2,

    /// <summary>A claim typed as a JSON object could not be parsed and counted as no match.</summary>
    InvalidJson = 4,
}
