using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// The parameters of an authorization response, from the query (GET) or the form (form_post). A protocol
/// parameter given twice is an attack (parameter pollution), never "last one wins".
/// </summary>
internal sealed class AuthorizationResponseParameters
{
    private static readonly string[] SingleValued = ["code", "state", "iss", "error", "error_description", "session_state", "id_token", "access_token"];

    private readonly Dictionary<string, string> _values;

    private AuthorizationResponseParameters(Dictionary<string, string> values, bool isPost)
    {
        _values = values;
        IsPost = isPost;
    }

    public bool IsPost { get; }

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? this[string name] => _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>Reads the parameters; returns null when a protocol parameter is repeated.</summary>
    public static async Task<AuthorizationResponseParameters?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var isPost = HttpMethods.IsPost(request.Method);
        IEnumerable<KeyValuePair<string, StringValues>> source = request.Query;
        if (isPost)
        {
            source = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in source)
        {
            if (value.Count > 1 && Array.IndexOf(SingleValued, name) >= 0)
            {
                return null;
            }
            values[name] = value.ToString();
        }
        return new AuthorizationResponseParameters(values, isPost);
    }

    public static bool LooksLikeOne(HttpRequest request)
    {
        if (HttpMethods.IsPost(request.Method))
        {
            return request.HasFormContentType;
        }
        var query = request.Query;
        return HttpMethods.IsGet(request.Method) && (query.ContainsKey("state") || query.ContainsKey("code") || query.ContainsKey("error"));
    }
}
