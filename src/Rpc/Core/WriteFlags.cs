namespace Grpc.Core;

/// <summary>Flags that change how one message is written.</summary>
[Flags]
public enum WriteFlags
{
    /// <summary>Do not flush after this message; the runtime may batch it with the next one.</summary>
    BufferHint = 0x1,
    /// <summary>Send this message uncompressed even if the call compresses messages.</summary>
    NoCompress = 0x2,
}
