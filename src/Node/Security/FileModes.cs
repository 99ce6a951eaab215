using System.Runtime.InteropServices;

namespace Federation.Node.Security;

/// <summary>
/// Files the node creates — the store, the security database, backups, the upload spool, rejects
/// reports, logs — hold personal data or keys: they are created owner-only (0600, directories
/// 0700) by setting the process's umask to 077 before anything is opened.
/// </summary>
internal static class FileModes
{
    public static void RestrictNewFiles()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            _ = SetUmask(0b000_111_111);
        }
    }

    // DllImport, not LibraryImport: the generated stub would need the project to allow unsafe code
    // for one call with a blittable argument.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);
#pragma warning restore SYSLIB1054
}
