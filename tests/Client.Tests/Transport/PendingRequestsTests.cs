using XChat.Client.Transport;
using XChat.Protocol;

namespace XChat.Client.Tests.Transport;

public sealed class PendingRequestsTests
{
    [Fact]
    public async Task Complete_MatchingId_CompletesThatRequestOnly()
    {
        var pending = new PendingRequests();
        var first = pending.Register(1);
        var second = pending.Register(2);

        Assert.True(pending.Complete(new ServerFrame { RequestId = 2, Ok = new Empty() }));

        Assert.Equal(2UL, (await second).RequestId);
        Assert.False(first.IsCompleted);
    }

    [Fact]
    public void Complete_UnknownId_ReturnsFalse()
    {
        var pending = new PendingRequests();

        Assert.False(pending.Complete(new ServerFrame { RequestId = 9, Ok = new Empty() }));
    }

    [Fact]
    public async Task FailAll_WaitingAndLaterRequests_FailWithConnectionLost()
    {
        var pending = new PendingRequests();
        var waiting = pending.Register(1);

        pending.FailAll(new ConnectionLostException("dropped"));
        var late = pending.Register(2);

        await Assert.ThrowsAsync<ConnectionLostException>(() => waiting);
        await Assert.ThrowsAsync<ConnectionLostException>(() => late);
        Assert.Equal(0, pending.Count);
    }
}
