namespace Grpc.Core;

/// <summary>Options for writing messages.</summary>
public class WriteOptions
{
    /// <summary>No flags.</summary>
    public static readonly WriteOptions Default = new();

    /// <summary>Creates write options.</summary>
    public WriteOptions(WriteFlags flags = default) => Flags = flags;

    /// <summary>The flags.</summary>
    public WriteFlags Flags { get; }
}
