using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Federation.Node.Host;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.WebEncoders;

namespace Federation.Node.Web;

/// <summary>
/// The node's web pages (docs/web.md) on its own Kestrel: server-rendered Razor Pages on an HTTPS
/// address of their own (<c>Web:Listen</c>), apart from the gRPC endpoint — each endpoint answers
/// only what is its own. Security for every page: antiforgery on every form, a strict
/// Content-Security-Policy (no inline script or style), HSTS, cookies <c>__Host-</c>, Secure,
/// HttpOnly, SameSite=Strict; sessions from <see cref="WebSignIn"/>; every page behind
/// <see cref="WebAccessAttribute"/> and its data from <see cref="WebCalls"/>.
/// </summary>
internal static class WebHosting
{
    // No inline script or style, nothing from elsewhere, no framing, forms post here only.
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Registers the pages and what they need; nothing when <c>Web:Listen</c> is unset.</summary>
    public static IServiceCollection AddWeb(this IServiceCollection services, NodeConfiguration config)
    {
        var web = config.Web;
        if (!web.Enabled)
        {
            return services;
        }
        services.AddHttpContextAccessor();
        services.AddScoped<WebText>();
        services.AddSingleton<WebCalls>();
        services.AddSingleton<WebSignIn>();
        // Keys in memory only: a restart signs everyone out, and no key is ever on disk.
        services.AddDataProtection().UseEphemeralDataProtectionProvider().SetApplicationName("federation-node-web");
        WebSession.Register(services, web);
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "__Host-federation-antiforgery";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.FormFieldName = "__antiforgery";
            // The security headers set X-Frame-Options: DENY (and CSP frame-ancestors) for every page.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        // Chinese text as it is, not as &#x…; entities.
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddRazorPages(pages =>
        {
            pages.RootDirectory = "/Web/Pages";
            pages.Conventions.ConfigureFilter(new WebAccessFilter());
        })
        // The pages are compiled into this assembly, whichever program hosts it.
        .AddApplicationPart(typeof(WebHosting).Assembly);
        return services;
    }

    /// <summary>Adds the web address to Kestrel (HTTP/1.1 and HTTP/2 over TLS, no client certificate asked).</summary>
    public static void Listen(KestrelServerOptions kestrel, NodeConfiguration config, WebEndpoint endpoint)
    {
        var web = config.Web;
        if (!web.Enabled)
        {
            return;
        }
        var certificate = web.CertificatePath is { } path
            ? Federation.Shared.CertificateAuthority.LoadPemWithKey(path, web.KeyPath!)
            : Federation.Shared.CertificateAuthority.LoadPemWithKey(config.Server.Tls!.CertificatePath, config.Server.Tls.KeyPath);
        NodeHost.Listen(kestrel, new Uri(web.Listen!), listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, ClientCertificateMode = ClientCertificateMode.NoCertificate });
            endpoint.Listen = listen;
        });
    }

    /// <summary>The web pipeline: only on the web address, and nothing of it on the gRPC one.</summary>
    public static void UseWeb(WebApplication app, NodeConfiguration config)
    {
        var endpoint = app.Services.GetRequiredService<WebEndpoint>();
        if (!config.Web.Enabled)
        {
            return;
        }
        app.UseRouting();
        // Each endpoint answers only its own: pages on the web address, gRPC on the node's.
        app.Use((context, next) =>
        {
            var onWeb = endpoint.Serves(context);
            var isWeb = context.GetEndpoint()?.Metadata.GetMetadata<WebEndpointMarker>() is not null;
            if (onWeb != isWeb && (onWeb || isWeb))
            {
                context.SetEndpoint(null);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
        app.UseWhen(endpoint.Serves, web =>
        {
            web.Use((context, next) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.StrictTransportSecurity = "max-age=31536000";
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                // Nothing a page shows is to be kept by a shared cache or the back button after sign-out.
                headers.CacheControl = "no-store";
                return next(context);
            });
            web.UseExceptionHandler("/Error");
            web.Use(async (context, next) =>
            {
                // A session cookie is checked (WebSession) and its account looked up for every request.
                var session = await context.AuthenticateAsync(WebSession.Scheme);
                if (session.Succeeded)
                {
                    context.User = session.Principal!;
                }
                await next(context);
            });
        });
        app.MapRazorPages().WithMetadata(new WebEndpointMarker());
        app.MapGet("/assets/{name}", (string name, HttpContext context) => Asset(name, context)).WithMetadata(new WebEndpointMarker());
        app.MapGet("/lang", (string? to, string? back, HttpContext context) =>
        {
            context.Response.Cookies.Append(WebText.CookieName, to == "en" ? "en" : "zh-CN", new CookieOptions
            {
                Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = TimeSpan.FromDays(365), IsEssential = true,
            });
            // Back to the page it came from, on this site only.
            return Results.LocalRedirect(back is { Length: > 0 } && back.StartsWith('/') && !back.StartsWith("//", StringComparison.Ordinal) && !back.StartsWith("/\\", StringComparison.Ordinal) ? back : "/");
        }).WithMetadata(new WebEndpointMarker());
    }

    private static readonly Assembly Assets = typeof(WebHosting).Assembly;

    // The vendored CSS and scripts, embedded in the node (no Node.js build chain, nothing from a CDN).
    private static IResult Asset(string name, HttpContext context)
    {
        var type = Path.GetExtension(name) switch
        {
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        var stream = type is null || name.Contains('/', StringComparison.Ordinal) ? null : Assets.GetManifestResourceStream("Federation.Node.Web.Assets." + name);
        if (stream is null)
        {
            return Results.NotFound();
        }
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Stream(stream, type);
    }
}

/// <summary>Endpoint metadata of the pages and their assets: served on the web address only.</summary>
internal sealed class WebEndpointMarker;

/// <summary>The web address as bound (its port, for a port 0 config, once Kestrel listens); <see cref="Serves"/> tells a request to it from one to the gRPC endpoint.</summary>
internal sealed class WebEndpoint
{
    public ListenOptions? Listen { get; set; }

    public int? Port => Listen?.IPEndPoint?.Port;

    public bool Serves(HttpContext context) => Port is { } port && context.Connection.LocalPort == port;
}
