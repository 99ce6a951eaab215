using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Federation.Node.Web;

/// <summary>
/// Which RPCs a page performs (their full gRPC names, rows of <see cref="Security.AccessTable"/>).
/// Every page must say (a page without it is not served: deny by default, as the table). A page
/// whose methods are all anonymous in the table is open to anyone; any other needs a signed-in
/// session whose account holds one of the roles the table names for one of them, else the reader is
/// sent to sign in, or told which role is missing. That is only the door: the page's data comes
/// from the RPC itself (<see cref="WebCalls"/>), authorised — jurisdiction included — and audited
/// by the interceptor like any gRPC call. No methods: a page that shows no data (the start page,
/// sign-in).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class WebAccessAttribute(params string[] methods) : Attribute
{
    public IReadOnlyList<string> Methods { get; } = methods;

    /// <summary>Whether anyone may open a page performing these methods.</summary>
    public bool Anonymous => Methods.All(m => Security.AccessTable.Rules.TryGetValue(m, out var rule) && rule.Anonymous);

    /// <summary>Whether <paramref name="caller"/> holds a role the table names for one of the methods (jurisdiction is checked at the call).</summary>
    public bool MayOpen(Security.Caller? caller) => Anonymous
        || (caller is not null && Methods.Any(m => Security.AccessTable.Rules.TryGetValue(m, out var rule) && caller.Grants.Any(g => rule.Roles.Contains(g.Role))));

    /// <summary>Whether the signed-in account may perform <paramref name="method"/> at all (for menus and buttons; the call decides).</summary>
    public static bool May(HttpContext http, string method) =>
        Security.AccessTable.Rules.TryGetValue(method, out var rule)
        && (rule.Anonymous || (WebSession.CurrentCaller(http) is { } caller && caller.Grants.Any(g => rule.Roles.Contains(g.Role))));
}

/// <summary>Applies <see cref="WebAccessAttribute"/> to every page, before its handler runs.</summary>
internal sealed class WebAccessFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var access = context.HandlerInstance.GetType().GetCustomAttribute<WebAccessAttribute>();
        if (access is null || access.Methods.Any(m => !Security.AccessTable.Rules.ContainsKey(m)))
        {
            context.Result = new NotFoundResult();
            return;
        }
        var http = context.HttpContext;
        var caller = WebSession.CurrentCaller(http);
        if (!access.Anonymous && caller is null)
        {
            context.Result = new RedirectToPageResult("/Login", new { returnUrl = http.Request.Path + http.Request.QueryString });
            return;
        }
        if (!access.MayOpen(caller))
        {
            context.Result = new RedirectToPageResult("/Denied", new { page = http.Request.Path.Value });
            return;
        }
        await next();
    }
}
