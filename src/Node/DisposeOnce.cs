namespace Federation.Node;

/// <summary>
/// Gives back what was taken (a stream's place, a count) when disposed — once, however often
/// <see cref="Dispose"/> is called, from whichever thread.
/// </summary>
internal sealed class DisposeOnce(Action release) : IDisposable
{
    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            release();
        }
    }
}
