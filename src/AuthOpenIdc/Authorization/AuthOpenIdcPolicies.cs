using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;

namespace AuthOpenIdc.Authorization;

/// <summary>
/// Builds authorization policies from configuration, so operators can change who may do what the way
/// they edited <c>Require claim</c> lines in Apache, without a code change.
/// </summary>
/// <remarks>
/// Each child key of the section is a policy name; its value is one mod_auth_openidc claim expression,
/// or an array of them that must all hold (<c>RequireAll</c>):
/// <code>
/// "AuthOpenIdc": { "Policies": {
///   "Admins": [ "realm_access.roles:admin", "email_verified:true" ],
///   "Staff": "email~@example\\.com$" } }
/// </code>
/// Every policy also requires an authenticated user. For "any of" on one claim use a regular
/// expression (<c>roles~^(admin|ops)$</c>) or <see cref="AuthOpenIdcPolicyBuilderExtensions.RequireClaimValue"/>.
/// </remarks>
public static class AuthOpenIdcPolicies
{
    /// <summary>The conventional configuration section for these policies.</summary>
    public const string ConfigurationSection = "AuthOpenIdc:Policies";

    /// <summary>Adds one policy per child of <paramref name="section"/>.</summary>
    /// <remarks>
    /// Inside <c>AddAuthorization(o => …)</c> this runs when the options are first used, i.e. on the first
    /// request; <c>services.AddAuthOpenIdcAuthorization(section)</c> parses at registration instead, so a
    /// bad expression stops startup.
    /// </remarks>
    /// <exception cref="FormatException">A value is not a valid claim expression, or a policy has none;
    /// the message names every bad configuration key.</exception>
    public static void AddClaimPolicies(this AuthorizationOptions options, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, policy) in BuildPolicies(section))
        {
            options.AddPolicy(name, policy);
        }
    }

    /// <summary>Parses every policy first and reports all failures together, so one fix-and-restart cycle suffices.</summary>
    internal static List<KeyValuePair<string, AuthorizationPolicy>> BuildPolicies(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var policies = new List<KeyValuePair<string, AuthorizationPolicy>>();
        var failures = new List<string>();
        foreach (var policySection in section.GetChildren())
        {
            var builder = new AuthorizationPolicyBuilder().RequireAuthenticatedUser();
            int count = 0;
            foreach (var item in ExpressionSections(policySection))
            {
                if (item.Value is null)
                {
                    failures.Add($"{item.Path} must be a claim expression string, not a section (Require claim).");
                    continue;
                }

                try
                {
                    builder.AddRequirements(ClaimRequirement.Parse(item.Value));
                    count++;
                }
                catch (FormatException ex)
                {
                    failures.Add($"{item.Path} is not a valid claim expression (Require claim): {ex.Message}");
                }
            }

            if (count == 0 && failures.Count == 0)
            {
                failures.Add($"{policySection.Path} has no claim expressions (Require claim).");
            }

            policies.Add(new(policySection.Key, builder.Build()));
        }

        if (failures.Count > 0)
        {
            throw new FormatException(string.Join(Environment.NewLine, failures));
        }

        return policies;
    }

    private static IEnumerable<IConfigurationSection> ExpressionSections(IConfigurationSection policySection) =>
        policySection.Value is not null ? [policySection] : policySection.GetChildren();
}
