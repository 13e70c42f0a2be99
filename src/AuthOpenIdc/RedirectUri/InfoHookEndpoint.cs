using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AuthOpenIdc.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace AuthOpenIdc.RedirectUri;

/// <summary>
/// <c>?info=json|html</c>: the session info hook for SPAs (mod_auth_openidc §6.18, <c>OIDCInfoHook</c>). The SPA
/// never sees OAuth: it asks the server, with its session cookie, for what the operator chose to expose.
/// 404 when the hook is off, 415 for another format, 401 without a session (the dispatcher), 403 when
/// <c>InfoHookPolicy</c> refuses; always <c>no-store</c>.
/// </summary>
internal sealed class InfoHookEndpoint : IRedirectUriEndpoint
{
    public string Name => "info";

    public bool Matches(HttpRequest request) => HttpMethods.IsGet(request.Method) && request.Query.ContainsKey("info");

    public bool RequiresSession => true;

    public async Task HandleAsync(RedirectUriContext context)
    {
        var http = context.HttpContext;
        var response = http.Response;
        RedirectUriContext.NoStore(response);
        var fields = context.Options.InfoHookFields;
        if (fields.Count == 0)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var format = http.Request.Query["info"].ToString();
        if (format is not ("json" or "html"))
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }
        var handle = context.Session!;
        if (context.Options.InfoHookPolicy is { } policy)
        {
            var user = SessionPrincipalFactory.Create(handle.Session, context.Scheme.Name, context.Options.RoleClaimType);
            var authorization = http.RequestServices.GetRequiredService<IAuthorizationService>();
            if (!(await authorization.AuthorizeAsync(user, policy).ConfigureAwait(false)).Succeeded)
            {
                response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }

        if (await context.Runtime.Refresh.RefreshForInfoHookAsync(context, handle).ConfigureAwait(false) is false)
        {
            return; // the refresh failed and its error action wrote the response
        }
        if (!string.Equals(http.Request.Query["extend_session"], "false", StringComparison.Ordinal))
        {
            await context.Runtime.Sessions.TouchAsync(http, handle).ConfigureAwait(false);
        }

        var json = Render(handle, fields, context.Options.Session);
        if (format == "json")
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.Body.WriteAsync(json, context.Aborted).ConfigureAwait(false);
            return;
        }
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'";
        var pretty = JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, IndentedJson.Options);
        await response.WriteAsync($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Session</title></head><body><pre>{HtmlEncoder.Default.Encode(pretty)}</pre></body></html>", context.Aborted).ConfigureAwait(false);
    }

    private static byte[] Render(SessionHandle handle, IList<string> fields, RelyingParty.OidcSessionOptions sessionOptions)
    {
        var session = handle.Session;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var field in fields.Distinct(StringComparer.Ordinal))
            {
                switch (field)
                {
                    case "iat":
                        writer.WriteNumber("iat", session.CreatedAt);
                        break;
                    case "access_token" when session.AccessToken is not null:
                        writer.WriteString("access_token", session.AccessToken);
                        break;
                    case "access_token_type" when session.AccessTokenType is not null:
                        writer.WriteString("access_token_type", session.AccessTokenType);
                        break;
                    case "access_token_expires" when session.AccessTokenExpiresAt is { } expires:
                        writer.WriteNumber("access_token_expires", expires);
                        break;
                    case "id_token" when session.IdToken is not null:
                        writer.WritePropertyName("id_token");
                        using (var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(session.IdToken.Split('.')[1])))
                        {
                            payload.RootElement.WriteTo(writer);
                        }
                        break;
                    case "id_token_hint" when session.IdToken is not null:
                        writer.WriteString("id_token_hint", session.IdToken);
                        break;
                    case "userinfo" when session.UserInfo is { } userInfo:
                        writer.WritePropertyName("userinfo");
                        userInfo.WriteTo(writer);
                        break;
                    case "refresh_token" when session.RefreshToken is not null:
                        writer.WriteString("refresh_token", session.RefreshToken);
                        break;
                    case "exp":
                        writer.WriteNumber("exp", session.ExpiresAt);
                        break;
                    case "timeout":
                        writer.WriteNumber("timeout", SessionLifetime.ExpiresAt(session, sessionOptions).ToUnixTimeSeconds());
                        break;
                    case "remote_user":
                        writer.WriteString("remote_user", session.RemoteUser);
                        break;
                    case "session":
                        writer.WriteStartObject("session");
                        writer.WriteString("type", handle.Id is null ? "client-cookie" : "server-cache");
                        if (handle.Id is not null)
                        {
                            writer.WriteString("id", handle.Id); // for ?revoke_session=; the id alone is no credential
                        }
                        writer.WriteNumber("created", session.CreatedAt);
                        writer.WriteNumber("last_activity", session.LastActivityAt);
                        if (session.Sid is not null)
                        {
                            writer.WriteString("sid", session.Sid);
                        }
                        if (session.SessionState is not null)
                        {
                            writer.WriteString("session_state", session.SessionState);
                        }
                        writer.WriteEndObject();
                        break;
                    default:
                        break; // unknown names are refused by options validation; absent values are left out
                }
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static class IndentedJson
    {
        public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(InfoHookJsonContext.Default) };
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class InfoHookJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
