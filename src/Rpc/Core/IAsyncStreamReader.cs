namespace Grpc.Core;

/// <summary>Reads a stream of messages: <c>while (await reader.MoveNext(ct)) use(reader.Current);</c></summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>Reads the next message; <c>false</c> at the end of the stream.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken);
}
