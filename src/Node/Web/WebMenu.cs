namespace Federation.Node.Web;

/// <summary>
/// The pages a reader starts from, in the start page's order, each with the RPC it performs: the
/// start page lists those the reader's account (or anyone) may call (<see cref="WebAccessAttribute.May"/>).
/// A new page adds its line here.
/// </summary>
internal static class WebMenu
{
    public sealed record Link(string Path, string Chinese, string English, string Method);

    public static readonly IReadOnlyList<Link> Pages =
    [
        new("/check", "证书真伪查验", "Check a certificate", "/federation.v1.Verification/PublicCheck"),
        new("/verify", "就业失业登记核验（服务机构）", "Verify a worker (agencies)", "/federation.v1.Verification/VerifyCertificate"),
        new("/desk", "失业登记经办", "Registration desk", Desk.DeskBoard.ListMethod),
        new("/console", "运行监控台", "Operator console", Operator.ConsoleBoard.StatusMethod),
    ];
}
