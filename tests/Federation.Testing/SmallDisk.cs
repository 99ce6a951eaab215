using System.Diagnostics;
using Xunit;

namespace Federation.Testing;

/// <summary>
/// A small file system of its own (a tmpfs mounted on a fresh directory) for tests of a full disk
/// (issue 25, item 4; docs/reliability.md): it is filled with a filler file to leave a chosen amount
/// free, and the filler deleted or the file system enlarged when the test gives the space back.
/// Mounting needs root, which the tests and CI have (as for StoreFaultTests and PullDiskFullTests).
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private int _fillers;

    private SmallDisk(string path) => Path = path;

    /// <summary>The mounted directory.</summary>
    public string Path { get; }

    /// <summary>Bytes free on the file system now.</summary>
    public long Free => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Mounts a tmpfs of <paramref name="mebibytes"/> MiB on <paramref name="path"/> (created if missing).</summary>
    public static SmallDisk Mount(string path, int mebibytes)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={mebibytes}m", "tmpfs", path);
        return new SmallDisk(path);
    }

    /// <summary>Writes a filler file so that about <paramref name="leaveBytes"/> stay free; returns its path.</summary>
    public string Fill(long leaveBytes)
    {
        var filler = System.IO.Path.Combine(Path, $".filler-{_fillers++}");
        var size = Math.Max(0, Free - leaveBytes);
        using (var stream = new FileStream(filler, FileMode.CreateNew, FileAccess.Write))
        {
            // Written, not just sized: tmpfs counts pages as they are touched.
            var block = new byte[1 << 16];
            Array.Fill(block, (byte)0x5A);
            for (long written = 0; written < size; written += block.Length)
            {
                stream.Write(block, 0, (int)Math.Min(block.Length, size - written));
            }
        }
        return filler;
    }

    /// <summary>Gives the space back: deletes every filler.</summary>
    public void Empty()
    {
        foreach (var filler in Directory.GetFiles(Path, ".filler-*"))
        {
            File.Delete(filler);
        }
    }

    /// <summary>Enlarges (or shrinks) the file system to <paramref name="mebibytes"/> MiB, keeping what it holds.</summary>
    public void Resize(int mebibytes) => Run("mount", "-o", $"remount,size={mebibytes}m", "tmpfs", Path);

    public void Dispose() => Run("umount", "-l", Path);

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"{program} {string.Join(' ', arguments)} failed ({error.Trim()}): this test needs a tmpfs of its own, which root can mount (CI runs as root).");
    }
}
