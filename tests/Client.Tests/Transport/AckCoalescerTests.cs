using XChat.Client.Transport;

namespace XChat.Client.Tests.Transport;

public sealed class AckCoalescerTests
{
    [Fact]
    public void TakeAll_BurstOfDeliveries_OneAckPerConversationAtHighestSeq()
    {
        var acks = new AckCoalescer();
        for (ulong seq = 1; seq <= 100; seq++)
        {
            acks.MarkDelivered("a", seq);
        }

        acks.MarkDelivered("b", 3);

        var batch = acks.TakeAll();
        Assert.Equal(2, batch.Count);
        Assert.Equal(100UL, batch["a"]);
        Assert.Equal(3UL, batch["b"]);
        Assert.True(acks.IsEmpty);
    }

    [Fact]
    public void Restore_NewerPendingAck_IsNotMovedBackward()
    {
        var acks = new AckCoalescer();
        acks.MarkDelivered("a", 10);

        acks.Restore([new KeyValuePair<string, ulong>("a", 5), new KeyValuePair<string, ulong>("b", 2)]);

        var batch = acks.TakeAll();
        Assert.Equal(10UL, batch["a"]);
        Assert.Equal(2UL, batch["b"]);
    }

    [Fact]
    public async Task WaitAsync_AfterMarks_WakesOnceForTheBurst()
    {
        var acks = new AckCoalescer();
        acks.MarkDelivered("a", 1);
        acks.MarkDelivered("a", 2);

        Assert.True(await acks.WaitAsync(CancellationToken.None));
        var second = acks.WaitAsync(CancellationToken.None);

        Assert.False(second.IsCompleted, "a burst rings the doorbell once, so one batch serves it");
    }
}
