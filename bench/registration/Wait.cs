namespace Federation.Bench.Registration;

/// <summary>Bounded waits: every wait of the bench ends, with what it waited for named.</summary>
internal static class Wait
{
    public static async Task UntilAsync(string what, TimeSpan patience, Func<Task<bool>> probe)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await probe())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not within {patience.TotalSeconds:0} s");
            }
            await Task.Delay(200);
        }
    }
}
