using System.Net;
using System.Text.RegularExpressions;

namespace AuthOpenIdc.IntegrationTests.Infrastructure.NodeOp;

/// <summary>A named submit button (<c>&lt;button name value&gt;</c> or <c>&lt;input type="submit"&gt;</c>).</summary>
/// <param name="Name">The button's name.</param>
/// <param name="Value">The button's value (empty when absent).</param>
public sealed record HtmlSubmitButton(string Name, string Value);

/// <summary>A form read from an HTML page by <see cref="HtmlFormReader"/>.</summary>
/// <param name="Id">The <c>id</c> attribute, or null.</param>
/// <param name="Action">The <c>action</c> attribute, HTML-decoded (empty when absent: the page itself).</param>
/// <param name="Method">The method, upper case (<c>GET</c> when absent).</param>
/// <param name="HiddenFields">The hidden inputs, in document order.</param>
/// <param name="SubmitButtons">The named submit buttons inside the form or pointing at it with <c>form="id"</c>, in document order.</param>
public sealed record HtmlForm(
    string? Id,
    string Action,
    string Method,
    IReadOnlyList<KeyValuePair<string, string>> HiddenFields,
    IReadOnlyList<HtmlSubmitButton> SubmitButtons)
{
    /// <summary>The value of the first hidden field named <paramref name="name"/>, or null.</summary>
    public string? GetHiddenValue(string name)
    {
        foreach (var field in HiddenFields)
        {
            if (string.Equals(field.Key, name, StringComparison.Ordinal))
            {
                return field.Value;
            }
        }

        return null;
    }

    /// <summary>The action resolved against the URL of the page the form is on.</summary>
    public Uri ResolveAction(Uri pageUri)
    {
        ArgumentNullException.ThrowIfNull(pageUri);
        return Action.Length == 0 ? pageUri : new Uri(pageUri, Action);
    }
}

/// <summary>
/// A deliberately small, regex-based reader for the simple forms that OpenID Providers and relying parties render
/// (login/consent pages, form_post responses, logout confirmation). Not a general HTML parser.
/// </summary>
public static partial class HtmlFormReader
{
    /// <summary>Reads every <c>&lt;form&gt;</c> of <paramref name="html"/>.</summary>
    public static IReadOnlyList<HtmlForm> ReadForms(string html)
    {
        ArgumentNullException.ThrowIfNull(html);

        // Buttons may sit outside their form and point at it with form="id" (oidc-provider's logout page does this).
        var outsideButtons = new List<(string FormId, HtmlSubmitButton Button)>();
        foreach (Match control in ControlTagRegex().Matches(html))
        {
            var attributes = ReadAttributes(control.Groups["attrs"].Value);
            if (attributes.TryGetValue("form", out var formId) && TryReadSubmitButton(control.Groups["tag"].Value, attributes, out var button))
            {
                outsideButtons.Add((formId, button));
            }
        }

        var forms = new List<HtmlForm>();
        foreach (Match form in FormRegex().Matches(html))
        {
            var formAttributes = ReadAttributes(form.Groups["attrs"].Value);
            formAttributes.TryGetValue("id", out var id);
            var action = formAttributes.GetValueOrDefault("action", string.Empty).Trim();
            var method = formAttributes.GetValueOrDefault("method", "get").Trim().ToUpperInvariant();

            var hidden = new List<KeyValuePair<string, string>>();
            var buttons = new List<HtmlSubmitButton>();
            foreach (Match control in ControlTagRegex().Matches(form.Groups["body"].Value))
            {
                var tag = control.Groups["tag"].Value;
                var attributes = ReadAttributes(control.Groups["attrs"].Value);
                if (attributes.ContainsKey("form"))
                {
                    continue; // Associated with whatever form it names; handled above.
                }

                if (string.Equals(tag, "input", StringComparison.OrdinalIgnoreCase)
                    && string.Equals(attributes.GetValueOrDefault("type"), "hidden", StringComparison.OrdinalIgnoreCase)
                    && attributes.TryGetValue("name", out var name))
                {
                    hidden.Add(new(name, attributes.GetValueOrDefault("value", string.Empty)));
                }
                else if (TryReadSubmitButton(tag, attributes, out var button))
                {
                    buttons.Add(button);
                }
            }

            if (id is not null)
            {
                foreach (var (formId, button) in outsideButtons)
                {
                    if (string.Equals(formId, id, StringComparison.Ordinal))
                    {
                        buttons.Add(button);
                    }
                }
            }

            forms.Add(new HtmlForm(id, action, method, hidden, buttons));
        }

        return forms;
    }

    /// <summary>Whether the page submits a form by script as soon as it loads (form_post responses and the like).</summary>
    public static bool IsAutoSubmitting(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        return AutoSubmitRegex().IsMatch(html);
    }

    private static bool TryReadSubmitButton(string tag, Dictionary<string, string> attributes, out HtmlSubmitButton button)
    {
        button = null!;
        if (!attributes.TryGetValue("name", out var name))
        {
            return false;
        }

        var type = attributes.GetValueOrDefault("type");
        var isSubmit = string.Equals(tag, "button", StringComparison.OrdinalIgnoreCase)
            ? type is null || string.Equals(type, "submit", StringComparison.OrdinalIgnoreCase)
            : string.Equals(type, "submit", StringComparison.OrdinalIgnoreCase);
        if (!isSubmit)
        {
            return false;
        }

        button = new HtmlSubmitButton(name, attributes.GetValueOrDefault("value", string.Empty));
        return true;
    }

    private static Dictionary<string, string> ReadAttributes(string text)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match attribute in AttributeRegex().Matches(text))
        {
            var name = attribute.Groups["name"].Value;
            var value = attribute.Groups["dq"].Success ? attribute.Groups["dq"].Value
                : attribute.Groups["sq"].Success ? attribute.Groups["sq"].Value
                : attribute.Groups["bare"].Success ? attribute.Groups["bare"].Value
                : string.Empty;
            attributes.TryAdd(name, WebUtility.HtmlDecode(value));
        }

        return attributes;
    }

    [GeneratedRegex(@"<form\b(?<attrs>[^>]*)>(?<body>.*?)</form\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex FormRegex();

    [GeneratedRegex(@"<(?<tag>input|button)\b(?<attrs>[^>]*)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ControlTagRegex();

    [GeneratedRegex(@"(?<name>[^\s""'=<>/`]+)(?:\s*=\s*(?:""(?<dq>[^""]*)""|'(?<sq>[^']*)'|(?<bare>[^\s""'=<>`]+)))?", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeRegex();

    [GeneratedRegex(@"\.submit\s*\(\s*\)|\bonload\s*=\s*[""'][^""']*submit", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AutoSubmitRegex();
}
