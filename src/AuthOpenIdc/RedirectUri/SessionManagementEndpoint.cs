using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using AuthOpenIdc.Protocol;
using AuthOpenIdc.RelyingParty;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// OpenID Connect Session Management 1.0 at the redirect_uri (mod_auth_openidc §6.9–6.12):
/// <c>?session=iframe_rp[&amp;poll=ms][&amp;login_uri=url]</c> is the RP iframe (it embeds the OP's
/// <c>check_session_iframe</c> and asks it every <c>poll</c> ms whether <c>client_id session_state</c> still holds);
/// <c>?session=iframe_op</c> redirects to the OP's iframe; <c>?session=check</c> re-authenticates silently
/// (<c>prompt=none</c> with <c>id_token_hint</c>), coming back to the RP iframe; <c>?session=logout</c> ends the
/// local session and sends the top window to the logged-out URL.
/// </summary>
internal sealed class SessionManagementEndpoint : IRedirectUriEndpoint
{
    private const int DefaultPollMilliseconds = 3000;

    public string Name => "session_management";

    public bool Matches(HttpRequest request) => HttpMethods.IsGet(request.Method) && request.Query.ContainsKey("session");

    public async Task HandleAsync(RedirectUriContext context)
    {
        var http = context.HttpContext;
        RedirectUriContext.NoStore(http.Response);
        var provider = await context.Runtime.Provider.GetAsync(context.Aborted).ConfigureAwait(false);
        switch (http.Request.Query["session"].ToString())
        {
            case "iframe_op" when provider.CheckSessionIframe is { } iframe:
                context.Redirect(iframe);
                return;
            case "iframe_rp" when provider.CheckSessionIframe is { } iframe:
                await WriteRpIframeAsync(context, iframe).ConfigureAwait(false);
                return;
            case "check":
                await CheckAsync(context).ConfigureAwait(false);
                return;
            case "logout":
                await context.Runtime.Sessions.EndAsync(http).ConfigureAwait(false);
                await WriteTopNavigationAsync(http, context.Options.DefaultLoggedOutUrl ?? http.Request.PathBase + "/").ConfigureAwait(false);
                return;
            default:
                http.Response.StatusCode = StatusCodes.Status404NotFound; // unknown function, or the OP has no check_session_iframe
                return;
        }
    }

    private static async Task CheckAsync(RedirectUriContext context)
    {
        var handle = await context.Runtime.Sessions.LoadAsync(context.HttpContext).ConfigureAwait(false);
        if (handle?.Session.IdToken is not { } idToken)
        {
            context.HttpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        var properties = new AuthenticationProperties { RedirectUri = RedirectUriPath.Absolute(context.HttpContext.Request, context.Options.RedirectUri) + "?session=iframe_rp" };
        properties.SetParameter("prompt", "none");
        properties.SetParameter("id_token_hint", idToken);
        await AuthorizationRequest.StartAsync(context, properties, endpoint: null).ConfigureAwait(false);
    }

    private static async Task WriteRpIframeAsync(RedirectUriContext context, string opIframe)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var handle = await context.Runtime.Sessions.LoadAsync(http).ConfigureAwait(false);
        var poll = int.TryParse(request.Query["poll"], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms is >= 1000 and <= 86_400_000 ? ms : DefaultPollMilliseconds;
        var loginUri = context.Runtime.RedirectTargets.Validate(request.Query["login_uri"].ToString(), request);
        var redirectUri = RedirectUriPath.Absolute(request, context.Options.RedirectUri);
        var settings = new Dictionary<string, object?>
        {
            ["opOrigin"] = new Uri(opIframe).GetLeftPart(UriPartial.Authority),
            ["message"] = handle?.Session.SessionState is { } state ? context.Options.ClientId + " " + state : null,
            ["poll"] = poll,
            ["onChanged"] = handle is null ? loginUri : redirectUri + "?session=check",
        };
        var nonce = ProtocolRandom.NewValue(16);
        var response = http.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}'; frame-src {settings["opOrigin"]}";
        var html = HtmlEncoder.Default;
        // The settings travel as JSON in a data attribute: no request input is ever spliced into script text.
        var json = JsonSerializer.Serialize(settings, SessionManagementJsonContext.Default.DictionaryStringObject);
        await response.WriteAsync($$"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Session check</title></head>
            <body data-settings="{{html.Encode(json)}}">
            <iframe id="op" src="{{html.Encode(opIframe)}}" title="OP session" style="display:none"></iframe>
            <script nonce="{{nonce}}">
            (function () {
              var s = JSON.parse(document.body.getAttribute('data-settings'));
              var op = document.getElementById('op');
              var timer = null;
              function check() { if (s.message) { op.contentWindow.postMessage(s.message, s.opOrigin); } }
              window.addEventListener('message', function (e) {
                if (e.origin !== s.opOrigin || e.source !== op.contentWindow) { return; }
                if (e.data === 'changed' && s.onChanged) { clearInterval(timer); window.location.href = s.onChanged; }
              });
              op.addEventListener('load', function () { check(); timer = setInterval(check, s.poll); });
              if (!s.message && s.onChanged) { window.top.location.href = s.onChanged; }
            })();
            </script></body></html>
            """, context.Aborted).ConfigureAwait(false);
    }

    /// <summary>The session checks run inside iframes; a logout must move the whole window, hence a script.</summary>
    private static Task WriteTopNavigationAsync(HttpContext http, string target)
    {
        var nonce = ProtocolRandom.NewValue(16);
        var response = http.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = $"default-src 'none'; script-src 'nonce-{nonce}'";
        var encoded = HtmlEncoder.Default.Encode(target);
        return response.WriteAsync($$"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Logged out</title></head>
            <body data-target="{{encoded}}"><p>Logged out. <a href="{{encoded}}">Continue</a></p>
            <script nonce="{{nonce}}">window.top.location.href = document.body.getAttribute('data-target');</script>
            </body></html>
            """, http.RequestAborted);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object?>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class SessionManagementJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
