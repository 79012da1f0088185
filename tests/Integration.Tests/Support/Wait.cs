namespace XChat.Integration.Tests.Support;

/// <summary>Bounded polling for a condition another task makes true.</summary>
internal static class Wait
{
    /// <summary>Returns when the condition holds or the timeout passed, whichever comes first; the caller asserts.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }
}
