using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Logging;

namespace AuthOpenIdc.Authorization;

/// <summary>
/// Succeeds a <see cref="ClaimRequirement"/> when the user's claims satisfy it. It never calls
/// <c>Fail</c>, so another handler may still succeed the same requirement, as ASP.NET Core intends.
/// </summary>
internal sealed class ClaimRequirementHandler : AuthorizationHandler<ClaimRequirement>
{
    private readonly ILogger _logger;

    public ClaimRequirementHandler(ILogger<ClaimRequirementHandler> logger)
    {
        _logger = logger;
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ClaimRequirement requirement)
    {
        var result = ClaimPathEvaluator.Evaluate(requirement, context.User);
        if ((result & ClaimEvaluation.Matched) != 0)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        if ((result & ClaimEvaluation.RegexTimedOut) != 0)
        {
            AuthOpenIdcLog.ClaimRegexTimedOut(_logger, requirement.Path, ClaimRequirement.MatchTimeout.TotalMilliseconds);
        }

        if ((result & ClaimEvaluation.InvalidJson) != 0)
        {
            AuthOpenIdcLog.ClaimJsonInvalid(_logger, requirement.Path);
        }

        return Task.CompletedTask;
    }
}
